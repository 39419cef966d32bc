"""The demo guides and standard pages (``seed_demo``), as StreamField data.

Drawn from the reference data in ``cop/privacy/data``: the criteria (``VPD-…``), the
licensing red flags (``RF-…``) and the ALA checklists they derive from. Wording is
cop's own; example clauses are starting points for a negotiation, not legal advice.
"""

from __future__ import annotations

from typing import Any, Final


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def heading(text: str, level: str = "h2") -> dict[str, Any]:
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(*texts: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": _p(*texts)}


def steps(title: str, *items: tuple[str, str]) -> dict[str, Any]:
    return {
        "type": "steps",
        "value": {
            "heading": title,
            "steps": [{"title": t, "text": _p(text)} for t, text in items],
        },
    }


def checklist(title: str, *items: str) -> dict[str, Any]:
    return {"type": "checklist", "value": {"heading": title, "items": list(items)}}


def callout(kind: str, title: str, text: str) -> dict[str, Any]:
    return {
        "type": "callout",
        "value": {"kind": kind, "title": title, "text": _p(text)},
    }


def clause(topic: str, avoid: str, ask_for: str, red_flag: str) -> dict[str, Any]:
    return {
        "type": "contract_language",
        "value": {
            "topic": topic,
            "avoid": avoid,
            "ask_for": ask_for,
            "red_flag": red_flag,
        },
    }


def references(criteria: list[str], red_flags: list[str]) -> dict[str, Any]:
    return {
        "type": "references",
        "value": {"heading": "", "criteria": criteria, "red_flags": red_flags},
    }


VENDOR_GUIDE: Final = {
    "slug": "evaluating-a-vendors-privacy-practices",
    "title": "Evaluating a vendor's privacy practices and contract red flags",
    "intro": "How to read a vendor's privacy policy and contract before you sign, which clauses to push back on, and example language to ask for instead.",
    "tags": ["Contracts", "Procurement", "Vendors"],
    "reviewed_days_ago": 21,
    "body": [
        paragraph(
            "Most of what patrons do in a library now passes through a vendor's systems. The contract, not the vendor's marketing, decides what happens to that data. Read the licence, the data-processing agreement and the privacy policy together, and treat anything not written in the signed documents as not promised.",
        ),
        steps(
            "Before the negotiation",
            (
                "Collect every document",
                "Ask for the licence, the data-processing agreement, the privacy policy that applies to this product (not the company's website policy), the subprocessor list and the latest security audit report.",
            ),
            (
                "Check the vendor's disclosure on cop",
                "Compare the product's published disclosure with the contract. An answer marked “Not disclosed” is a question to ask in writing.",
            ),
            (
                "List the data the product needs",
                "Write down what the service cannot work without. Everything else is a candidate for “do not collect” or “off by default”.",
            ),
            (
                "Read for the red flags below",
                "Mark each clause that matches a red flag and decide, with your colleagues, which ones are blockers.",
            ),
        ),
        heading("Clauses to push back on"),
        clause(
            "Data ownership",
            "Customer grants Vendor a perpetual, irrevocable, worldwide licence to use, copy and exploit Customer Data and Usage Data for any lawful purpose.",
            "Customer Data, including all personally identifiable information about Authorised Users, remains the property of the Library. Vendor may use Customer Data solely to provide the Services under this Agreement and for no other purpose.",
            "RF-04",
        ),
        clause(
            "Law-enforcement and government requests",
            "Vendor may disclose Customer Data where it believes in good faith that disclosure is necessary to comply with law or a government request.",
            "Vendor shall not disclose Customer Data to any third party, including law enforcement or government agencies, except in response to a valid subpoena, warrant or court order. Unless legally prohibited, Vendor shall notify the Library promptly and before disclosure, so that the Library may seek a protective order, and shall disclose only the minimum data required.",
            "RF-09",
        ),
        clause(
            "Breach notification",
            "Vendor will use commercially reasonable efforts to notify Customer of security incidents as required by applicable law.",
            "Vendor shall notify the Library in writing within 72 hours of discovering any unauthorised access to or disclosure of Customer Data, describing the data and users affected, the cause and the remediation, and shall cooperate with the Library in notifying affected users.",
            "RF-11",
        ),
        clause(
            "End of the contract",
            "",
            "Within 30 days of termination, Vendor shall return all Customer Data to the Library in a documented, machine-readable format and then securely destroy all copies, including backups within their normal rotation, and certify the destruction in writing.",
            "RF-08",
        ),
        callout(
            "warning",
            "Policy by URL",
            "A contract that incorporates “the privacy policy at the following address” lets the vendor change the terms without your signature. Ask for the policy as an annex, or for notice and a right to terminate when it changes.",
        ),
        checklist(
            "Before you sign",
            "Patron data belongs to the library and is used only to provide the service.",
            "No disclosure to anyone without a subpoena, warrant or court order, and notice to the library first.",
            "Breaches reported to the library within a fixed number of hours.",
            "Data returned and destroyed at the end of the contract, backups included.",
            "Subprocessors listed, bound by the same terms, and changes notified.",
            "No sale of data, no targeted advertising, no use for training AI models.",
        ),
        references(
            [
                "VPD-CTR-01",
                "VPD-LAW-01",
                "VPD-LAW-02",
                "VPD-BRE-01",
                "VPD-RET-02",
                "VPD-SHR-01",
            ],
            ["RF-04", "RF-07", "RF-08", "RF-09", "RF-11", "RF-13"],
        ),
    ],
}

AUDIT_GUIDE: Final = {
    "slug": "privacy-audit-of-library-systems",
    "title": "Running a privacy audit of your library systems",
    "intro": "A practical, repeatable audit: inventory the systems that hold patron data, check what each one keeps and shares, and fix the gaps in order of risk.",
    "tags": ["Audit", "Library systems"],
    "reviewed_days_ago": 45,
    "body": [
        paragraph(
            "A privacy audit answers three questions for every system: what patron data does it hold, who can see it, and how long is it kept? Do it once a year, and whenever a contract is renewed.",
        ),
        steps(
            "The audit, step by step",
            (
                "Inventory the systems",
                "List the library management system, discovery layer, e-book and database platforms, public computers, Wi-Fi, room booking, the website and its analytics, and the e-mail and newsletter services.",
            ),
            (
                "Map the data",
                "For each system, note the data categories it collects (contact details, circulation, searches, reading activity, device identifiers), whether they are linked to a patron, and why.",
            ),
            (
                "Check retention settings",
                "Find the settings that anonymise circulation history and delete logs, and compare them with your policy. Defaults are often “keep forever”.",
            ),
            (
                "Check sharing",
                "List the third parties each system sends data to, including analytics and tracking scripts on public pages.",
            ),
            (
                "Rank and fix",
                "Fix what exposes the most data to the most people first. Record each decision with its date and owner.",
            ),
        ),
        callout(
            "tip",
            "Use the vendors' disclosures",
            "Each product's disclosure on cop answers the same criteria. Start from the answers, then verify the settings in your own installation: a vendor's default is not your configuration.",
        ),
        checklist(
            "Quick wins most libraries can make",
            "Circulation history is anonymised once an item is returned, unless the patron opted in.",
            "Public computers clear sessions and browsing data on log-out.",
            "No third-party analytics or tracking on the catalogue and the website.",
            "Staff accounts are personal, use multi-factor authentication, and are removed when people leave.",
            "Paper sign-in sheets are destroyed on a schedule.",
        ),
        references(
            ["VPD-COL-01", "VPD-COL-04", "VPD-RET-01", "VPD-ILS-04", "VPD-SEC-03"],
            ["RF-20", "RF-06"],
        ),
    ],
}

VISITOR_LOG_GUIDE: Final = {
    "slug": "data-minimisation-for-a-mandated-visitor-log",
    "title": "Data minimisation for a mandated visitor log",
    "intro": "When a rule requires you to record visitors, collect only what the mandate requires, keep it apart from everything else, use it for nothing else and destroy it as soon as you may.",
    "tags": ["Data minimisation", "Policy"],
    "reviewed_days_ago": 90,
    "body": [
        paragraph(
            "Sometimes a library must keep a log of visitors: for a building's security rules, a public-health order or a grant condition. The mandate defines the minimum; nothing obliges you to collect more.",
        ),
        steps(
            "Set up the log",
            (
                "Read the mandate closely",
                "Write down exactly which fields it requires and for how long. If it says “name and time of entry”, that is all you collect: not the library card number, not the purpose of the visit.",
            ),
            (
                "Keep it separate",
                "Keep the log apart from the library management system and patron records, on paper or in a system with its own access list. Never link it to circulation or computer use.",
            ),
            (
                "Use it for nothing else",
                "Write in the procedure that the log serves the mandate alone: no statistics, no marketing, no checking who borrowed what.",
            ),
            (
                "Destroy it on time",
                "Set a destruction date for each page or export as soon as it is created, and record that it was destroyed.",
            ),
            (
                "Tell visitors",
                "Post a short notice at the entrance: what is recorded, why, who can see it and when it is destroyed.",
            ),
        ),
        callout(
            "warning",
            "Requests for the log",
            "A request from the police or another authority for the log follows the same procedure as any request for patron records: refer it to the designated person, ask for the legal instrument, and disclose only what it covers.",
        ),
        checklist(
            "Visitor log checklist",
            "Only the fields the mandate names are collected.",
            "The log is stored apart from patron records, with a named list of who may open it.",
            "It is used for the mandate's purpose only.",
            "Each page or export has a destruction date, and destruction is recorded.",
            "A notice at the entrance tells visitors what is recorded and why.",
        ),
        references(["VPD-COL-02", "VPD-RET-01", "VPD-LAW-01"], ["RF-20"]),
    ],
}

GUIDES: Final = (VENDOR_GUIDE, AUDIT_GUIDE, VISITOR_LOG_GUIDE)
