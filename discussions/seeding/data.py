"""The demo discussions' content: spaces, tags, extra members and topics with their posts.

All names and texts are fictional; e-mail addresses are at ``example.org``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from cop.members.seeding import PUBLIC_LIBRARY_SLUG, UNIVERSITY_LIBRARY_SLUG
from discussions.models import EmbargoState, FlagReason, TopicKind, Visibility

K = TopicKind


_SPACES: Final[tuple[dict[str, Any], ...]] = (
    {
        "slug": "licensing-questions",
        "name": "Licensing questions",
        "visibility": Visibility.PUBLIC,
        "position": 10,
        "description": (
            "Ask how a licence, contract or privacy policy clause works in practice. "
            "Mark the answer that helped you."
        ),
    },
    {
        "slug": "disclosures-and-red-flags",
        "name": "Disclosures and red flags",
        "visibility": Visibility.PUBLIC,
        "position": 20,
        "red_flag_window_days": 14,
        "description": (
            "Discuss vendors' privacy disclosures and raise red flags. A red flag about "
            "a product stays with the vendor for 14 days so that it can respond first."
        ),
    },
    {
        "slug": "vendor-conversations",
        "name": "Vendor conversations",
        "visibility": Visibility.MEMBERS,
        "position": 30,
        "description": "Members and vendor representatives talk about roadmaps and practice.",
    },
    {
        "slug": "library-workers-lounge",
        "name": "Library workers' lounge",
        "visibility": Visibility.LIBRARY_WORKERS,
        "position": 40,
        "description": "For library workers only: no vendor representative can read it.",
    },
    {
        "slug": "vendor-privacy-working-group",
        "name": "Vendor privacy working group",
        "visibility": Visibility.WORKING_GROUP,
        "position": 50,
        "description": "The working group's own space: drafts, schedules and reviews.",
    },
)

_TAGS: Final = (
    ("ebooks", "ebooks"),
    ("contracts", "contracts"),
    ("analytics", "analytics"),
    ("data retention", "data-retention"),
    ("law enforcement", "law-enforcement"),
    ("subprocessors", "subprocessors"),
    ("discovery", "discovery"),
    ("schools", "schools"),
)

# Extra demo members who post (besides library@, moderator@, vendor-a@, vendor-b@).
_EXTRA_PEOPLE: Final = (
    ("eresources", "Northfield E-Resources", UNIVERSITY_LIBRARY_SLUG),
    ("newcomer", "Branch Newcomer", PUBLIC_LIBRARY_SLUG),
)

# Each topic: where, what, who, and its posts. Post options: helpful (who marked it),
# accepted, mentions, flagged_by, edited_from (earlier body, note), pending, vendor
# (an official response), roadmap (title of the vendor's roadmap item).
_TOPICS: Final[tuple[dict[str, Any], ...]] = (
    {
        "space": "licensing-questions",
        "slug": "does-aggregated-usage-data-cover-loan-history",
        "kind": K.QUESTION,
        "title": 'Does "aggregated usage data" in our e-book licence cover loan history?',
        "author": "library",
        "tags": ["ebooks", "contracts"],
        "product": "paperlantern-reader",
        "criterion": "VPD-ANON-02",
        "red_flag": "RF-03",
        "document_version": "Paperlantern Library Licence 4.2",
        "document_date": dt.date(2026, 3, 1),
        "clause_reference": "Clause 7.3 (Usage data)",
        "days_ago": 16,
        "posts": [
            {
                "author": "library",
                "body": (
                    "Our renewal of the Paperlantern Reader licence says the vendor may "
                    'keep "aggregated usage data" after the contract ends (clause 7.3).\n\n'
                    "Does that include each patron's loan history, or only totals per "
                    "title? The licence never defines *aggregated*."
                ),
            },
            {
                "author": "eresources",
                "body": (
                    "We had the same clause. Without a definition it is red flag "
                    'RF-03 (undefined "aggregated" or "de-identified"). Ask them to '
                    "state the method, as criterion VPD-ANON-02 describes."
                ),
                "helpful": ["library"],
            },
            {
                "author": "moderator",
                "body": (
                    "Short answer: it covers whatever the vendor decides, so ask for a "
                    "definition before you sign. Wording that worked for others:\n\n"
                    '> "Aggregated data" means counts per title and month with no '
                    "record relating to fewer than ten patrons, and no patron identifier.\n\n"
                    "Add a ban on re-identification, and check the vendor's disclosure "
                    "for VPD-ANON-02."
                ),
                "accepted": True,
                "helpful": ["library", "eresources"],
            },
            {
                "author": "library",
                "body": "Thank you, we sent this wording to Paperlantern yesterday.",
            },
        ],
    },
    {
        "space": "licensing-questions",
        "slug": "how-long-may-a-discovery-vendor-keep-search-logs",
        "kind": K.QUESTION,
        "title": "How long may a discovery vendor keep search logs?",
        "author": "eresources",
        "tags": ["discovery", "data-retention"],
        "product": "brightwell-search",
        "criterion": "VPD-DSC-01",
        "red_flag": "RF-20",
        "days_ago": 9,
        "posts": [
            {
                "author": "eresources",
                "body": (
                    "Our discovery contract has no retention period for search queries. "
                    "What have other libraries negotiated? 30 days? 90?"
                ),
                "edited_from": (
                    "Our discovery contract has no retention period for search queries. "
                    "What did you negotiate?",
                    "Added the numbers I have seen.",
                ),
            },
            {
                "author": "library",
                "body": (
                    "We got 30 days for raw queries and aggregated reports after that. "
                    "Happy to share the clause."
                ),
                "helpful": ["eresources"],
            },
            {
                "author": "vendor_b",
                "body": (
                    "For Brightwell Search: raw query logs are kept for 30 days since "
                    "last quarter (see our roadmap item on shorter search log retention)."
                ),
                "vendor": True,
                "roadmap": "Shorter search log retention",
            },
            {
                "author": "eresources",
                "body": "@Riverbend Reader thanks, that matches what Brightwell says above.",
                "mentions": ["library"],
            },
        ],
    },
    {
        "space": "licensing-questions",
        "slug": "model-clause-for-law-enforcement-requests",
        "kind": K.GENERAL,
        "title": "A model clause for law enforcement requests",
        "author": "moderator",
        "tags": ["law-enforcement", "contracts"],
        "days_ago": 6,
        "posts": [
            {
                "author": "moderator",
                "body": (
                    "Several vendors are silent on law enforcement requests (red flag "
                    "RF-09). Here is a draft clause; comments welcome:\n\n"
                    "1. The vendor discloses patron data only under a court order.\n"
                    "2. The vendor tells the library first, unless a court forbids it.\n"
                    "3. The vendor publishes the number of requests every year."
                ),
            },
            {
                "author": "eresources",
                "body": "Point 3 matters most to us: a yearly transparency report.",
                "helpful": ["moderator"],
            },
            {
                "author": "library",
                "body": (
                    "Slightly off-topic: can anyone recommend a book scanner for our "
                    "makerspace?"
                ),
                "flagged_by": [("eresources", FlagReason.OFF_TOPIC, "")],
            },
            {
                "author": "newcomer",
                "body": (
                    "New here. Would point 2 also cover requests from immigration "
                    "authorities?"
                ),
                "pending": True,
            },
        ],
    },
    {
        "space": "disclosures-and-red-flags",
        "slug": "brightwell-search-third-party-analytics",
        "kind": K.RED_FLAG,
        "title": "Brightwell Search loads a third-party analytics script on every search",
        "author": "library",
        "tags": ["analytics", "discovery"],
        "product": "brightwell-search",
        "criterion": "VPD-COL-04",
        "red_flag": "RF-06",
        "embargo": EmbargoState.RELEASED,
        "roadmap": "Drop third-party analytics from the search page",
        "days_ago": 30,
        "posts": [
            {
                "author": "library",
                "body": (
                    "The Brightwell Search results page loads an analytics script from "
                    "another company, which sees every query and the patron's browser. "
                    "This is red flag RF-06 (monitoring users) and contradicts criterion "
                    "VPD-COL-04 in Brightwell's disclosure."
                ),
            },
            {
                "author": "vendor_b",
                "body": (
                    "Thank you for reporting this to us first. The script measures page "
                    "speed only; we agree it should not be there. Removing it is on our "
                    "roadmap; we will update the item as it moves."
                ),
                "vendor": True,
                "roadmap": "Drop third-party analytics from the search page",
                "helpful": ["library"],
            },
            {
                "author": "eresources",
                "body": "Until then, libraries can ask Brightwell to switch it off per site.",
            },
        ],
    },
    {
        "space": "disclosures-and-red-flags",
        "slug": "larchmont-schools-reading-records-kept-after-leaving",
        "kind": K.RED_FLAG,
        "title": "Larchmont Stacks for Schools keeps reading records after a student leaves",
        "author": "library",
        "tags": ["schools", "data-retention"],
        "product": "larchmont-stacks-schools",
        "criterion": "VPD-RET-01",
        "red_flag": "RF-22",
        "embargo": EmbargoState.EMBARGOED,
        "days_ago": 3,
        "posts": [
            {
                "author": "library",
                "body": (
                    "When a student leaves the district, their reading record stays in "
                    "Larchmont Stacks for Schools with no end date. That is RF-20 (no "
                    "retention limits) and RF-22 (minors not addressed)."
                ),
            },
        ],
    },
    {
        "space": "disclosures-and-red-flags",
        "slug": "larchmont-stacks-disclosure-borrowing-history",
        "kind": K.DISCLOSURE,
        "title": "Larchmont Stacks disclosure: borrowing history off by default",
        "author": "eresources",
        "tags": ["contracts"],
        "product": "larchmont-stacks",
        "days_ago": 12,
        "posts": [
            {
                "author": "eresources",
                "body": (
                    "Larchmont's new disclosure answers VPD-ILS-01 with \"off by "
                    'default" and VPD-ILS-04 with loans anonymised on return. Has anyone '
                    "checked that an upgraded system keeps an existing library's setting?"
                ),
            },
            {
                "author": "vendor_a",
                "body": (
                    "Existing settings are kept on upgrade; only new libraries start "
                    "with borrowing history off. Details are in the roadmap item."
                ),
                "vendor": True,
                "roadmap": "Borrowing history off by default",
                "helpful": ["eresources"],
            },
        ],
    },
    {
        "space": "vendor-conversations",
        "slug": "paperlantern-reader-disclosure-secondary-use",
        "kind": K.DISCLOSURE,
        "title": "Paperlantern Reader disclosure: what does secondary use cover?",
        "author": "library",
        "tags": ["ebooks"],
        "product": "paperlantern-reader",
        "days_ago": 5,
        "posts": [
            {
                "author": "library",
                "body": (
                    "Paperlantern's disclosure marks VPD-USE-04 (secondary use, including "
                    "AI training) as *not yet answered*. Related red flag: RF-17. Has "
                    "anyone asked them directly?"
                ),
            },
            {
                "author": "moderator",
                "body": "We asked at the last working group call; an answer is promised.",
            },
        ],
    },
    {
        "space": "library-workers-lounge",
        "slug": "vendor-wont-sign-our-privacy-rider",
        "kind": K.GENERAL,
        "title": "A vendor won't sign our privacy rider. What worked for you?",
        "author": "eresources",
        "tags": ["contracts"],
        "days_ago": 4,
        "posts": [
            {
                "author": "eresources",
                "body": (
                    "Our rider asks for breach notice in 72 hours and deletion at the "
                    "end of the contract. The vendor's sales team says no. Ideas?"
                ),
            },
            {
                "author": "library",
                "body": (
                    "Going through our consortium helped: the same rider from 40 "
                    "libraries got signed within a month."
                ),
                "helpful": ["eresources"],
            },
        ],
    },
    {
        "space": "vendor-privacy-working-group",
        "slug": "draft-2027-disclosure-review-schedule",
        "kind": K.GENERAL,
        "title": "Draft: 2027 disclosure review schedule",
        "author": "moderator",
        "tags": [],
        "days_ago": 2,
        "posts": [
            {
                "author": "moderator",
                "body": (
                    "Proposal: review each published disclosure once a year, in the "
                    "month it was first published, and flag answers older than 12 months."
                ),
            },
            {
                "author": "library",
                "body": "Agreed. Could we start with the discovery products in January?",
            },
        ],
    },
)
