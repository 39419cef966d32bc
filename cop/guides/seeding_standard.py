"""The demo standard pages (``seed_demo``): about, privacy, law-enforcement requests, conduct.

The privacy policy renders its retention table from the settings in force (the
``retention_table`` block), so it cannot drift from what the retention job does. The
cop platform's own disclosure cites these pages as evidence (``vendors.seeding_cop_disclosure``).
"""

from __future__ import annotations

from typing import Final

from cop.guides.seeding_content import callout, checklist, heading, paragraph, steps

ABOUT: Final = {
    "slug": "about",
    "title": "About cop",
    "intro": "A community of practice where library workers and library vendors improve how library systems treat patrons' data.",
    "body": [
        paragraph(
            "cop is run by a working group of library privacy practitioners. They moderate the discussions, review vendors' privacy disclosures before publication and write the guides, each change approved by a second moderator.",
            "Vendors take part through verified representatives, who speak for their own products only. Library workers take part as themselves; their organisation is shown only when they choose.",
        ),
        heading("How cop is funded and governed"),
        paragraph(
            "cop carries no advertising and sells nothing. Decisions about the platform are taken by the working group in the open, in the community's discussion spaces.",
        ),
    ],
}

PRIVACY: Final = {
    "slug": "privacy",
    "title": "Privacy policy",
    "intro": "What this site collects about you, why, for how long, and what you can do about it.",
    "body": [
        heading("What we collect"),
        paragraph(
            "Reading cop collects nothing: no cookie is set, no IP address is stored and nothing is loaded from another website. When you create an account we keep your e-mail address, your display name and what you choose to post or save. Logs record the page and the response, never your address.",
        ),
        heading("What we use it for"),
        paragraph(
            "Your e-mail address is used to sign you in and to send the notifications and digests you chose. It is never shown to other members or vendors, never sold and never used for advertising. There is no analytics or tracking service.",
        ),
        heading("How long we keep it"),
        paragraph(
            "These periods come from the site's settings; the nightly retention job applies them."
        ),
        {"type": "retention_table", "value": None},
        heading("Your rights"),
        paragraph(
            "You can export your data and delete your account from your account settings at any time. Deleting your account removes your profile; your posts stay readable under “deleted member” unless you ask for them to be removed too.",
        ),
        callout(
            "note",
            "Requests from authorities",
            "We disclose member records only under the procedure for law-enforcement requests, and we tell the member unless a court forbids it.",
        ),
    ],
}

LAW_ENFORCEMENT: Final = {
    "slug": "law-enforcement-requests",
    "title": "Law-enforcement requests for member records",
    "intro": "How cop answers a request from the police or another authority for information about a member.",
    "body": [
        steps(
            "The procedure",
            (
                "One point of contact",
                "Every request goes to the working group's privacy contact. No one else answers it, confirms or denies that an account exists.",
            ),
            (
                "A valid legal instrument",
                "We require a subpoena, warrant or court order valid where cop is operated. Informal requests, e-mails and phone calls are declined.",
            ),
            (
                "Notice to the member",
                "We notify the member before disclosing anything, unless a court order forbids it; then we notify them as soon as it expires.",
            ),
            (
                "The minimum",
                "We disclose only the records the instrument names, and only what we hold: we never store IP addresses and keep records only for the periods in our privacy policy.",
            ),
            (
                "Published every half-year",
                "We publish the number of requests received and how we answered them.",
            ),
        ),
        paragraph(
            'The counts per half-year, by outcome, are in <a href="/transparency/">the transparency report</a>.',
        ),
    ],
}

CONDUCT: Final = {
    "slug": "code-of-conduct",
    "title": "Code of conduct",
    "intro": "The rules every member accepts: respect, good faith, and no personal data about patrons.",
    "body": [
        paragraph(
            'The version in force, with its date, is at <a href="/members/code-of-conduct/">the code of conduct page</a>. Members are asked to accept each new version when they next sign in.',
        ),
        checklist(
            "In short",
            "Discuss products and practices, not people.",
            "Never post information that could identify a patron.",
            "Vendor representatives speak for their own products only.",
            "Moderators hide posts that break these rules, always with a reason.",
        ),
    ],
}

STANDARD_PAGES: Final = (ABOUT, PRIVACY, LAW_ENFORCEMENT, CONDUCT)
