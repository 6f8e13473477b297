"""Demo conversations for ``make run``, written for Newsroom.

Each thread is (name, email, text, state, replies); state is "visible", "held"
(with its reasons) or "spam"; replies nest the same way. A "reported" entry
lists the reasons readers gave.
"""

BLOCKED_TERMS = [
    ("word", "crypto giveaway", "seen in spam runs"),
    ("domain", "cheap-freight-leads.example", "lead-selling spam"),
]

THREADS = {
    "kembang-gateway-opens-deepwater-berths": [
        {
            "name": "Farah Idris",
            "email": "farah.idris@example.net",
            "text": "Deeper berths are welcome, but the access road still jams every evening. "
            "Has the port said anything about the second gate?",
            "followup": True,
            "replies": [
                {
                    "name": "Wei Jie Tan",
                    "email": "weijie.tan@example.org",
                    "text": "The second gate is in phase two, according to the tender papers. "
                    "Not before 2028 by the look of it.",
                    "replies": [
                        {
                            "name": "Farah Idris",
                            "email": "farah.idris@example.net",
                            "text": "Thanks. Two more years of queues, then.",
                        },
                        {
                            "name": "Rosa Villanueva",
                            "email": "rosa.v@example.com",
                            "text": "Truckers' association is lobbying for night gate hours in the meantime.",
                            "reported": ["off_topic"],
                        },
                    ],
                },
            ],
        },
        {
            "name": "Arjun Mehta",
            "email": "arjun.mehta@example.org",
            "text": "Sixteen metres alongside puts Kembang in the same league as the hub ports. "
            "The question is whether the big alliances will call.",
        },
        {
            "name": "Newcomer Nadia",
            "email": "nadia.first@example.net",
            "text": "First time commenting here. Will the new cranes be remote-operated?",
            "state": "held",
            "hold_reasons": ["first_time"],
        },
        {
            "name": "Freight Leads",
            "email": "sales@cheap-freight-leads.example",
            "text": "Buy verified shipper leads at https://cheap-freight-leads.example/offer now!",
            "state": "spam",
            "hold_reasons": ["blocklist", "first_time"],
        },
    ],
    "asia-europe-spot-rates-fall-fourth-week": [
        {
            "name": "Henrik Aalto",
            "email": "henrik.aalto@example.com",
            "text": "Blank sailings will follow within a fortnight. They always do.",
            "replies": [
                {
                    "name": "Mai Nguyen",
                    "email": "mai.nguyen@example.org",
                    "text": "Already started: two announced for week 49 on the loop through the Straits.",
                }
            ],
        },
        {
            "name": "Giveaway Bot",
            "email": "promo@example.biz",
            "text": "Join our crypto giveaway for shippers, links in bio.",
            "state": "held",
            "hold_reasons": ["blocklist", "first_time"],
        },
    ],
    "mekong-barge-cooperative-doubles-fleet": [
        {
            "name": "Linh Pham",
            "email": "linh.pham@example.net",
            "text": "My family's rice mill switched to the co-operative's barges last year; "
            "a quarter cheaper than trucks and nothing lost to the potholes.",
        },
    ],
}
