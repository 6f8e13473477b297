"""Demo conversations for ``make run``, written for Newsroom.

Each thread is (name, email, text, state, replies); state is "visible", "held"
(with its reasons) or "spam"; replies nest the same way. A "reported" entry
lists the reasons readers gave; "ip" is the address it came from (documentation
ranges only). Enough of them wait for a moderator to fill the queue's first screen.
"""

BLOCKED_TERMS = [
    ("word", "crypto giveaway", "seen in spam runs"),
    ("domain", "cheap-freight-leads.example", "lead-selling spam"),
]

# (kind, by, value, note): what the desk has decided about people.
RULES = [
    ("ban", "domain", "cheap-freight-leads.example", "Lead-selling spam, three runs in a week"),
    ("trust", "email", "farah.idris@example.net", "A regular since the port's first expansion"),
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
    "tanjung-selasih-closes-channel-after-feeder-fire": [
        {
            "name": "Daniel Okafor",
            "email": "d.okafor@example.com",
            "ip": "198.51.100.23",
            "text": "Closing the channel for a single feeder seems heavy-handed. "
            "Were the tugs not able to move her clear?",
            "replies": [
                {
                    "name": "Siti Hajar",
                    "email": "siti.hajar@example.net",
                    "ip": "198.51.100.41",
                    "text": "Not with the fire still burning aft. Nobody tows a ship that is alight "
                    "through a channel that narrow.",
                    "state": "held",
                    "hold_reasons": ["first_time"],
                },
                {
                    "name": "Daniel Okafor",
                    "email": "d.okafor@example.com",
                    "ip": "198.51.100.23",
                    "text": "Anyone who runs this port should be sacked today, the whole useless lot.",
                    "reported": ["abuse", "abuse", "other"],
                },
            ],
        },
        {
            "name": "Port Watcher",
            "email": "portwatcher@example.org",
            "ip": "203.0.113.77",
            "text": "Photos from the quay: https://example.org/a https://example.org/b "
            "https://example.org/c https://example.org/d",
            "state": "held",
            "hold_reasons": ["links", "first_time"],
        },
        {
            "name": "Newsroom Editor (official)",
            "email": "editor.desk@example.biz",
            "ip": "203.0.113.90",
            "text": "Official update: the channel reopens at midnight. Share this widely.",
            "state": "held",
            "hold_reasons": ["staff_name", "first_time"],
        },
    ],
    "laem-thong-dockworkers-accept-pay-deal": [
        {
            "name": "Preecha S.",
            "email": "preecha.s@example.net",
            "ip": "198.51.100.60",
            "text": "Eight per cent over three years is below inflation. The union sold this too cheaply.",
            "replies": [
                {
                    "name": "Mariam Yusof",
                    "email": "mariam.yusof@example.com",
                    "ip": "198.51.100.61",
                    "text": "The night-shift allowance is the real gain. "
                    "That was the sticking point for years.",
                    "state": "held",
                    "hold_reasons": ["first_time"],
                },
            ],
        },
        {
            "name": "Tom Reyes",
            "email": "tom.reyes@example.org",
            "ip": "198.51.100.88",
            "text": "My brother-in-law works gate three; his phone number is in the union newsletter "
            "if anyone wants the inside story.",
            "reported": ["other"],
        },
        {
            "name": "Kai",
            "email": "kai.l@example.net",
            "ip": "198.51.100.95",
            "text": "Good. Now do the same for the truck drivers who wait six hours at the gate.",
            "state": "held",
            "hold_reasons": ["first_time"],
        },
    ],
    "shipowners-warn-tanker-officer-shortage": [
        {
            "name": "Capt. Elena Marsh",
            "email": "elena.marsh@example.com",
            "ip": "198.51.100.120",
            "text": "Twenty years at sea: the shortage is about rotation, not pay. "
            "Four months on, two off does not work for anyone with a family.",
            "state": "held",
            "hold_reasons": ["first_time"],
        },
        {
            "name": "Crew Jobs Asia",
            "email": "hire@crew-jobs.example",
            "ip": "203.0.113.15",
            "text": "Officers wanted now, top pay, apply at https://crew-jobs.example/apply and "
            "https://crew-jobs.example/fast and https://crew-jobs.example/now",
            "state": "held",
            "hold_reasons": ["links", "first_time"],
        },
        {
            "name": "Joon Park",
            "email": "joon.park@example.org",
            "ip": "198.51.100.131",
            "text": "Cadet berths are the bottleneck. Owners want officers but will not train them.",
            "reported": ["off_topic"],
        },
    ],
}
