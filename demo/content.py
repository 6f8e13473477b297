"""Demo content for ``manage.py load_demo``: a small South-East Asian trade-news site.

Pure data, read by ``demo/management/commands/load_demo.py``. Every publication,
company, person and event here is invented for this project, and every link points at a
reserved ``.example`` domain.

Stories give their ``state`` as one of "published", "scheduled", "draft", "in_review" or
"archived". Published and archived stories say how long ago they appeared (``hours_ago``),
scheduled ones how far ahead (``hours_ahead``); the loader counts both from the moment it
first runs. Corrections are dated ``hours_after_publication``. Stories in review say how long
they have waited (``hours_in_review``), a draft an editor sent back when (``sent_back_hours_ago``).
Drafts and stories in review are the reporter's, the rest the editor's, unless ``by`` names
the other account.
"""

SOURCES = [
    {
        "name": "The Straits Ledger",
        "slug": "straits-ledger",
        "homepage": "https://straitsledger.example/",
        "description": (
            "A daily business newspaper covering the economies along the Strait of Malacca, "
            "with a strong ports and commodities desk."
        ),
        "attribution": "The Straits Ledger",
        "terms": (
            "Republished under a syndication agreement. Stories may be cut for length and "
            "headlines changed; the original must be credited and linked, and search engines "
            "are pointed at it."
        ),
        "canonical_to_original": True,
    },
    {
        "name": "Harbour Wire Service",
        "slug": "harbour-wire",
        "homepage": "https://harbourwire.example/",
        "description": (
            "A maritime news agency supplying freight-market reports and breaking shipping "
            "news to subscribers across Asia."
        ),
        "attribution": "Harbour Wire Service",
        "terms": (
            "Wire subscription: stories may be republished in full or in part with the "
            "attribution line. Index figures may be quoted but not republished as tables."
        ),
        "canonical_to_original": False,
    },
    {
        "name": "Mekong Business Daily",
        "slug": "mekong-business-daily",
        "homepage": "https://mekongdaily.example/",
        "description": (
            "An English-language business daily covering agriculture, trade and logistics in "
            "the Mekong region."
        ),
        "attribution": "Mekong Business Daily",
        "terms": (
            "Content-exchange agreement: up to ten stories a month, republished unedited apart "
            "from house style, with a link to the original."
        ),
        "canonical_to_original": False,
    },
]

SECTIONS = [
    {
        "name": "Ports",
        "slug": "ports",
        "position": 1,
        "description": (
            "Terminals, harbour authorities, port labour and the infrastructure that links "
            "them to the hinterland."
        ),
    },
    {
        "name": "Shipping",
        "slug": "shipping",
        "position": 2,
        "description": "Carriers, freight markets, ships and the people who crew them.",
    },
    {
        "name": "Logistics",
        "slug": "logistics",
        "position": 3,
        "description": ("Forwarding, warehousing, trucking, rail, river transport and the cold chain."),
    },
    {
        "name": "Trade Policy",
        "slug": "trade-policy",
        "position": 4,
        "description": (
            "Customs, tariffs, trade agreements and the rules that govern goods crossing borders."
        ),
    },
    {
        "name": "Technology",
        "slug": "technology",
        "position": 5,
        "description": ("Automation, digitisation and the new fuels and systems reshaping the industry."),
    },
]

TAGS = [
    "Container shipping",
    "Freight rates",
    "Port expansion",
    "Customs",
    "Green shipping",
    "Labour",
    "Supply chains",
    "Automation",
    "Trade agreements",
    "Inland waterways",
    "Cold chain",
    "Dry bulk",
]

AUTHORS = [
    {
        "name": "Nur Aisyah Rahman",
        "slug": "nur-aisyah-rahman",
        "bio": (
            "Nur Aisyah Rahman is our ports correspondent, covering terminals, harbour "
            "authorities and the people who work in them. Before joining the newsroom she "
            "reported on maritime affairs for a regional wire service for eight years."
        ),
    },
    {
        "name": "Tran Minh Chau",
        "slug": "tran-minh-chau",
        "bio": (
            "Tran Minh Chau edits our trade policy coverage, from customs reform to regional "
            "trade agreements. She worked as a customs broker in the Mekong delta before "
            "turning to journalism."
        ),
    },
    {
        "name": "Marcus Teo",
        "slug": "marcus-teo",
        "bio": (
            "Marcus Teo writes about shipping markets and maritime technology. A former ship’s "
            "officer, he spent six years at sea on container ships and product tankers."
        ),
    },
]

STORIES = [
    # Ports
    {
        "headline": "Tanjung Selasih closes approach channel after fire on feeder ship",
        "slug": "tanjung-selasih-closes-channel-after-feeder-fire",
        "standfirst": (
            "Harbour officials halted arrivals and departures while crews fought a fire in the "
            "engine room of a small container ship. All 17 crew members are accounted for."
        ),
        "section": "ports",
        "tags": ["Container shipping", "Labour"],
        "authors": ["nur-aisyah-rahman"],
        "state": "published",
        "by": "reporter",
        "hours_ago": 3,
        "breaking": True,
        "body": (
            "<p>The Selasih Harbour Board closed the outer approach channel to Tanjung Selasih "
            "early today after fire broke out in the engine room of the <em>Kirana Star</em>, "
            "a 1,100-TEU feeder ship inbound from Singapore. All 17 crew members were taken "
            "off by a pilot launch and none was seriously hurt, the board said.</p>\n"
            "<p>Two harbour tugs fitted with fire monitors were alongside within 40 minutes. "
            "By mid-morning the board said the fire was “contained but not yet out”, and that "
            "the ship was anchored in the channel’s turning basin, where it blocks the passage "
            "of vessels longer than about 200 metres.</p>\n"
            "<h2>What it means for shippers</h2>\n"
            "<ul><li>At least nine vessels are waiting at the outer anchorage, according to "
            "the board’s arrivals list.</li><li>Terminal gates remain open for export boxes "
            "already booked on ships alongside.</li><li>The board expects to give an update on "
            "reopening by 18:00 local time.</li></ul>\n"
            "<p>“Our first concern is the crew, then the channel and the cargo,” said harbour "
            "master Captain Rosnah Hamid. “We will not move the vessel until the fire service "
            "tells us it is safe.”</p>\n"
            "<p>The <em>Kirana Star</em> is operated by Andaman Feeder Services, which said it "
            "was working with the harbour board and its insurers. The cause of the fire is not "
            "yet known. <strong>This story will be updated.</strong></p>"
        ),
    },
    {
        "headline": "Kembang Gateway opens first deepwater berths of its $1.4bn expansion",
        "slug": "kembang-gateway-opens-deepwater-berths",
        "standfirst": (
            "Two new berths with 18 metres of water alongside let the terminal take the "
            "largest container ships on the Asia–Europe trade for the first time."
        ),
        "section": "ports",
        "tags": ["Port expansion", "Container shipping"],
        "authors": ["nur-aisyah-rahman", "marcus-teo"],
        "state": "published",
        "by": "reporter",
        "hours_ago": 20,
        "featured": True,
        "body": (
            "<p>Kembang Gateway Terminals has opened the first two berths of its long-delayed "
            "Phase 3 expansion, giving the Strait of Malacca port the depth and crane reach to "
            "handle ships of 24,000 TEU fully laden.</p>\n"
            "<p>The berths add 800 metres of quay and about 1.6 million TEU of annual "
            "capacity, taking the terminal’s total to 6.2 million TEU. Eight ship-to-shore "
            "cranes with an outreach of 25 container rows are already installed; a further six "
            "are due before the end of next year.</p>\n"
            "<h2>Why depth matters</h2>\n"
            "<p>Until now the largest ships calling at Kembang had to arrive part-loaded or "
            "top up at another hub. “We have spent a decade telling the lines that we were "
            "nearly there,” said chief executive Farid Mansor. “Today the water is there, the "
            "cranes are there and the first booking is in the schedule.”</p>\n"
            "<p>That first call, by a 23,500-TEU ship of the Meridian Alliance, is expected "
            "within a fortnight. Analysts at the consultancy Bluewater Atlas said the "
            "expansion could pull some transhipment volume from larger neighbouring hubs, "
            "though they cautioned that rivals are adding capacity of their own.</p>\n"
            "<blockquote><p>“Capacity alone does not win transhipment. Productivity and "
            "reliability do, and it takes a year of data to prove those.” – Joanne Sia, "
            "Bluewater Atlas</p></blockquote>\n"
            "<p>The expansion was first announced eight years ago and was set back by a "
            "dispute over reclaimed land and then by the pandemic. The terminal says Phase 4, "
            "a further four berths, is at the design stage; its <a "
            'href="https://kembanggateway.example/expansion">expansion page</a> has the '
            "construction timeline.</p>"
        ),
    },
    {
        "headline": "San Isidro Bay to dredge its channel for bigger container ships",
        "slug": "san-isidro-bay-channel-dredging-contract",
        "standfirst": (
            "The port authority has awarded a contract to deepen the bay’s main channel to "
            "15.5 metres, a project it expects to take 22 months."
        ),
        "section": "ports",
        "tags": ["Port expansion", "Container shipping"],
        "authors": ["nur-aisyah-rahman"],
        "state": "published",
        "hours_ago": 70,
        "source": "straits-ledger",
        "original_url": "https://straitsledger.example/ports/san-isidro-bay-dredging-contract",
        "body": (
            "<p>The San Isidro Bay Port Authority has awarded a 3.2-billion-peso dredging "
            "contract to a joint venture led by Coral Marine Works, in a project meant to let "
            "the port receive container ships of up to 10,000 TEU at any state of the tide.</p>\n"
            "<p>The main channel is dredged to 13 metres, which restricts larger ships to "
            "arrivals around high water. Lines serving the bay have for years asked for more "
            "depth, saying that tidal windows add hours to schedules and make the port hard to "
            "fit into regional loops.</p>\n"
            "<p>The work will remove about 4.8 million cubic metres of sediment. The authority "
            "said the spoil would go to an approved offshore site, after environmental groups "
            "objected to an earlier plan to use it for land reclamation near mangroves on the "
            "bay’s northern shore.</p>\n"
            "<h2>Timeline</h2>\n"
            "<ul><li>Dredgers mobilised within three months.</li><li>Channel open to 15.5 "
            "metres 22 months after work starts.</li><li>Turning basin widened in a second "
            "phase, not yet tendered.</li></ul>\n"
            "<p>“This is the single most important investment the port can make this decade,” "
            "said the authority’s general manager, Teresa Villanueva. The authority expects "
            "container throughput to rise from 1.1 million TEU to 1.5 million TEU within three "
            "years of completion.</p>"
        ),
    },
    {
        "headline": "Laem Thong dockworkers accept three-year pay deal",
        "slug": "laem-thong-dockworkers-accept-pay-deal",
        "standfirst": (
            "Union members voted by a wide margin for a settlement that raises basic pay by "
            "14% over three years and caps compulsory overtime."
        ),
        "section": "ports",
        "tags": ["Labour", "Container shipping"],
        "authors": ["nur-aisyah-rahman"],
        "state": "published",
        "hours_ago": 150,
        "corrections": [
            {
                "text": (
                    "An earlier version of this story said the agreement covers 4,300 workers. "
                    "It covers about 3,400."
                ),
                "hours_after_publication": 6,
            },
        ],
        "body": (
            "<p>Dockworkers at the Laem Thong container terminals have voted to accept a "
            "three-year pay deal, ending six months of negotiations that twice came close to "
            "industrial action.</p>\n"
            "<p>Of the members of the Laem Thong Port Workers’ Union who voted, 81% backed the "
            "settlement. It raises basic pay by 5% this year and by 4.5% in each of the next "
            "two years, and limits compulsory overtime to 36 hours a month.</p>\n"
            "<h2>Main terms</h2>\n"
            "<ul><li>Basic pay up 14% in total over three years.</li><li>A new allowance for "
            "crane operators who train on remote-controlled equipment.</li><li>Twelve hours’ "
            "rest guaranteed between shifts.</li><li>A joint safety committee with the power "
            "to stop work in high winds.</li></ul>\n"
            "<p>Union secretary Somchai Wongsa said the overtime cap mattered more to members "
            "than the headline figure. “People were working 70-hour weeks in the peak. Nobody "
            "does that safely for long,” he said.</p>\n"
            "<p>The terminal operators’ association said the deal gave “certainty for "
            "customers and for the workforce” and would not lead to higher handling charges "
            "this year. The agreement covers about 3,400 workers at the port’s four container "
            "terminals.</p>"
        ),
    },
    {
        "headline": "Port of Lam Son opens rail spur to move containers inland",
        "slug": "lam-son-opens-container-rail-spur",
        "standfirst": (
            "A 14-kilometre line links the port’s container yard to an inland depot, and the "
            "operator expects it to take 300 truck trips a day off the coastal highway."
        ),
        "section": "ports",
        "tags": ["Port expansion", "Supply chains"],
        "authors": ["nur-aisyah-rahman", "tran-minh-chau"],
        "state": "published",
        "hours_ago": 310,
        "body": (
            "<p>The Port of Lam Son has started running container trains on a new 14-kilometre "
            "rail spur between its main container yard and the Hoa Binh inland depot, in what "
            "the port operator calls the first step toward moving a fifth of its boxes by "
            "rail.</p>\n"
            "<p>Two trains a day, each carrying up to 90 TEU, will run in the first months, "
            "rising to six a day once a second loading track is finished. Lam Son Port "
            "Corporation says that at full use the line will remove about 300 truck trips a "
            "day from the coastal highway, where queues at the port gate regularly stretch for "
            "several kilometres.</p>\n"
            "<p>Shippers will be able to clear customs at the inland depot, which has its own "
            "customs office. “For an exporter in the industrial parks, the port has just moved "
            "14 kilometres closer,” said the corporation’s commercial director, Pham Thi "
            "Lan.</p>\n"
            "<h2>The cost question</h2>\n"
            "<p>Forwarders welcomed the line but said pricing would decide whether it is used. "
            "The Association of Mekong Forwarders said a rail move plus the depot’s handling "
            "fee currently costs slightly more than a direct truck trip. “If the tariff comes "
            "down by even ten per cent, our members will switch,” its chairman said.</p>\n"
            "<p>The project cost about $85m and was financed partly by a development bank "
            "loan.</p>"
        ),
    },
    {
        "headline": "Kembang sets berth-window rules for feeder lines",
        "slug": "kembang-berth-window-rules-feeders",
        "standfirst": (
            "From next quarter feeder operators will book fixed weekly windows at the port, "
            "and ships that miss theirs will wait for a free berth."
        ),
        "section": "ports",
        "tags": ["Container shipping", "Supply chains"],
        "authors": ["nur-aisyah-rahman"],
        "state": "scheduled",
        "hours_ahead": 20,
        "body": (
            "<p>The Kembang Port Authority will require feeder operators to book fixed weekly "
            "berth windows from the start of next quarter, replacing the first-come, "
            "first-served system that has governed smaller ships at the port for two "
            "decades.</p>\n"
            "<p>Under the new rules, published today, each feeder service must apply for a "
            "window of up to 24 hours on a given day of the week. A ship that arrives more "
            "than eight hours outside its window will be served only when a berth is free, "
            "after ships that are on time.</p>\n"
            "<p>The authority says the change is meant to reduce bunching, when several "
            "feeders arrive together after delays elsewhere and compete for the same cranes. "
            "The average wait at anchor for feeders rose to 19 hours last year, from 11 hours "
            "two years earlier.</p>\n"
            "<ul><li>Applications for windows open in four weeks.</li><li>Windows will be "
            "reviewed every six months.</li><li>Ships on humanitarian or emergency voyages are "
            "exempt.</li></ul>\n"
            "<p>Feeder operators had asked for a twelve-hour grace period rather than eight. "
            "The authority’s operations director, Lim Wei Jie, said the tighter limit was "
            "needed “or the window means nothing”. Operators will be able to swap windows with "
            "one another if they tell the authority 48 hours ahead.</p>"
        ),
    },
    {
        "headline": "Shore power at Kembang’s cruise terminal: what operators need to know",
        "slug": "kembang-cruise-terminal-shore-power-explained",
        "standfirst": (
            "Cruise ships calling at Kembang will be expected to plug in to shore power from "
            "next year. Here is how the scheme will work."
        ),
        "section": "ports",
        "tags": ["Green shipping", "Port expansion"],
        "authors": ["nur-aisyah-rahman"],
        "state": "draft",
        "body": (
            "<p>Cruise ships staying more than four hours at Kembang’s cruise terminal will be "
            "expected to connect to shore power from next year, under a scheme the port "
            "authority has been discussing with the lines since last spring.</p>\n"
            "<h2>Who has to connect</h2>\n"
            "<p>The requirement applies to ships fitted with a high-voltage shore connection. "
            "Ships without one will not be turned away, but will pay a higher port fee and may "
            "lose berthing priority the following season.</p>\n"
            "<h2>What it costs</h2>\n"
            "<p>The authority has not published a final tariff. Lines have been told to expect "
            "a price per kilowatt-hour close to the industrial electricity rate, plus a fixed "
            "connection charge. One line’s port agent said that on a day call, power from "
            "shore would cost roughly the same as running auxiliary engines on low-sulphur "
            "fuel.</p>\n"
            "<h2>Why now</h2>\n"
            "<p>The cruise terminal is less than a kilometre from the old town, where "
            "residents have long complained about exhaust from ships at berth. The authority "
            "says shore power will cut local emissions of nitrogen oxides and particulates "
            "from cruise calls by more than 80%.</p>\n"
            "<p><strong>Still to confirm:</strong> the final tariff, the date of the first "
            "mandatory call, and whether the scheme will extend to the ferry terminal.</p>"
        ),
    },
    {
        "headline": "Port of Lam Son names new harbour master",
        "slug": "lam-son-names-new-harbour-master",
        "standfirst": (
            "Captain Nguyen Van Hai, who has led the port’s pilots for six years, takes over "
            "after the retirement of his predecessor."
        ),
        "section": "ports",
        "tags": ["Labour", "Port expansion"],
        "authors": ["nur-aisyah-rahman"],
        "state": "archived",
        "hours_ago": 650,
        "body": (
            "<p>Lam Son Port Corporation has appointed Captain Nguyen Van Hai as harbour "
            "master, the corporation said. He succeeds Captain Do Minh Quang, who retires "
            "after eleven years in the post.</p>\n"
            "<p>Captain Hai, 52, joined the port as a pilot sixteen years ago after a career "
            "at sea on bulk carriers and product tankers, and has led the pilotage service for "
            "the past six years. He will be responsible for the safety of navigation in the "
            "port’s approaches, the allocation of anchorages and the port’s response to "
            "incidents.</p>\n"
            "<p>The corporation said his priorities would include the introduction of a new "
            "vessel traffic system and preparations for larger ships once the channel is "
            "deepened. He will also chair the port’s safety committee, which includes "
            "representatives of the pilots, the tug operators and the dockworkers’ union.</p>\n"
            "<blockquote><p>“The port is busier than it has ever been, and the ships are "
            "bigger. Our job is to make sure that never turns into a headline,” Captain Hai "
            "said.</p></blockquote>\n"
            "<p>Captain Quang will stay on as an adviser to the corporation for six months.</p>"
        ),
    },
    # Shipping
    {
        "headline": "Asia–Europe spot rates fall for a fourth straight week",
        "slug": "asia-europe-spot-rates-fall-fourth-week",
        "standfirst": (
            "The Eastbound Freight Index puts the cost of shipping a 40-foot box from "
            "South-East Asia to northern Europe down 6% on the week as new ships join the "
            "trade."
        ),
        "section": "shipping",
        "tags": ["Freight rates", "Container shipping"],
        "authors": ["marcus-teo"],
        "state": "published",
        "hours_ago": 5,
        "source": "harbour-wire",
        "original_url": "https://harbourwire.example/markets/asia-europe-spot-rates-fourth-week",
        "body": (
            "<p>Spot rates for shipping containers from South-East Asia to northern Europe "
            "fell for a fourth consecutive week, according to the Eastbound Freight Index, as "
            "deliveries of large new ships added capacity faster than demand grew.</p>\n"
            "<p>The index put the average spot rate for a 40-foot container from the region’s "
            "main ports to Rotterdam at $2,310, down 6% on the week and 21% from a month ago. "
            "Rates to Mediterranean ports fell 4% to $2,480.</p>\n"
            "<h2>What is behind the fall</h2>\n"
            "<ul><li>Eleven ships of more than 15,000 TEU have joined Asia–Europe services in "
            "the past two months.</li><li>Carriers have cancelled fewer sailings than in "
            "previous slack periods.</li><li>Forward bookings for the next six weeks are flat "
            "compared with last year.</li></ul>\n"
            "<p>“Lines are trying to fill big new ships, and in the short run the only lever "
            "that works is price,” said Devi Raman, who compiles the index. She expects "
            "carriers to announce more blank sailings before the end of the month, which in "
            "the past has slowed the fall within two to three weeks.</p>\n"
            "<p>Transpacific rates were broadly stable, slipping 1% to $2,050 per 40-foot box "
            "to the US west coast. The full index is published weekly on the <a "
            'href="https://harbourwire.example/indices/eastbound">Harbour Wire indices '
            "page</a>.</p>"
        ),
    },
    {
        "headline": "Selat Marine Lines orders six methanol-ready feeder ships",
        "slug": "selat-marine-lines-orders-methanol-feeders",
        "standfirst": (
            "The regional carrier’s order is the largest for dual-fuel feeders in South-East "
            "Asia so far, but the ships will burn conventional fuel until green methanol is "
            "available."
        ),
        "section": "shipping",
        "tags": ["Green shipping", "Container shipping"],
        "authors": ["marcus-teo"],
        "state": "published",
        "hours_ago": 45,
        "body": (
            "<p>Selat Marine Lines has ordered six 1,800-TEU feeder container ships that can "
            "run on methanol as well as conventional fuel oil, in an order the company values "
            "at about $230m.</p>\n"
            "<p>The ships will be built at a yard in the region and delivered over two years "
            "from late next year. They will replace older tonnage on Selat’s services linking "
            "transhipment hubs in the Strait of Malacca with secondary ports in Sumatra, "
            "southern Thailand and around the Gulf of Thailand.</p>\n"
            "<h2>Fuel is still the open question</h2>\n"
            "<p>Selat’s chief operating officer, Hendra Wijaya, acknowledged that the ships "
            "would probably burn marine gas oil for their first years in service. “Green "
            "methanol in the volumes a feeder network needs does not exist in this region "
            "yet,” he said. “We are buying the option to switch. Without ships that can use "
            "it, nobody will build the supply.”</p>\n"
            "<p>The company said it was in talks with two prospective producers about offtake "
            "agreements, and expected bio-methanol made from palm oil mill residues to be the "
            "first available source.</p>\n"
            "<p>Dual-fuel engines add roughly 10–15% to the cost of a newbuilding of this "
            "size, according to shipbrokers. Selat said the extra cost was justified by the "
            "prospect of carbon pricing on shipping emissions and by customers asking for "
            "lower-emission transport.</p>"
        ),
    },
    {
        "headline": "Bulk carriers queue off Tanjung Selasih as nickel ore shipments surge",
        "slug": "bulk-carriers-queue-tanjung-selasih-nickel-ore",
        "standfirst": (
            "More than 40 ships were waiting at anchor this week as loading capacity at the "
            "port’s bulk terminal failed to keep pace with exports."
        ),
        "section": "shipping",
        "tags": ["Dry bulk", "Supply chains"],
        "authors": ["marcus-teo", "nur-aisyah-rahman"],
        "state": "published",
        "hours_ago": 120,
        "source": "straits-ledger",
        "original_url": "https://straitsledger.example/shipping/selasih-bulk-queue-nickel-ore",
        "corrections": [
            {
                "text": (
                    "An earlier version of this story gave the daily cost of keeping a "
                    "Supramax idle as $41,000. The correct figure is about $14,000."
                ),
                "hours_after_publication": 3,
            },
            {
                "text": (
                    "This story has been updated to make clear that the waiting-time figures "
                    "come from the harbour board, not from the terminal operator."
                ),
                "hours_after_publication": 20,
            },
        ],
        "body": (
            "<p>More than 40 bulk carriers were waiting at anchor off Tanjung Selasih this "
            "week, according to ship-tracking data compiled by the harbour board, as nickel "
            "ore shipments from the region’s mines outpaced the capacity of the port’s single "
            "bulk-loading pier.</p>\n"
            "<p>The average wait for a Supramax bulk carrier reached nine days, up from three "
            "days at the start of the year. Owners are paying about $14,000 a day to keep such "
            "a ship idle, and several charterers have started to claim demurrage from mining "
            "companies.</p>\n"
            "<p>The congestion follows a rise in ore output as new processing plants inland "
            "came into operation, and some miners are bringing shipments forward ahead of "
            "tighter export quotas next year. Exports through the port rose 38% in the first "
            "half of the year, the harbour board said.</p>\n"
            "<h2>Short-term measures</h2>\n"
            "<ul><li>The bulk terminal has added a night shift for its two ship "
            "loaders.</li><li>Barges may now tranship ore to ships in a second anchorage "
            "area.</li><li>Ships whose documents are complete before arrival get "
            "priority.</li></ul>\n"
            "<p>PT Selasih Port Services, which runs the terminal, said a second loading pier "
            "would be finished in about 18 months. “Until then, every day lost to bad weather "
            "adds to the queue,” said its operations manager, Agus Santoso.</p>"
        ),
    },
    {
        "headline": "Shipowners warn of officer shortage on regional tankers",
        "slug": "shipowners-warn-tanker-officer-shortage",
        "standfirst": (
            "The Regional Shipowners’ Council says one in eight senior officer posts on "
            "chemical and product tankers took more than three months to fill last year."
        ),
        "section": "shipping",
        "tags": ["Labour", "Supply chains"],
        "authors": ["marcus-teo"],
        "state": "published",
        "hours_ago": 260,
        "body": (
            "<p>The Regional Shipowners’ Council has warned that a shortage of qualified "
            "senior officers is making it harder to crew the region’s chemical and product "
            "tankers, and has called on governments to speed up the recognition of "
            "certificates issued elsewhere.</p>\n"
            "<p>In a survey of 62 member companies, the council found that 12% of chief "
            "engineer, second engineer and chief officer posts on tankers had taken more than "
            "three months to fill last year. On container ships and bulk carriers the figure "
            "was 5%.</p>\n"
            "<p>Tankers need officers with specialist endorsements for the cargoes they carry, "
            "and the council said the time taken to have those endorsements recognised when "
            "officers move between flag states was the main bottleneck. Some members reported "
            "waits of up to five months.</p>\n"
            "<blockquote><p>“We are not short of people who want to go to sea. We are short of "
            "people with the right paperwork at the right time,” said council "
            "secretary-general Ramon Dizon.</p></blockquote>\n"
            "<p>Seafarers’ representatives were sceptical. A spokesperson for the Asia "
            "Seafarers’ Federation said pay on regional tankers had fallen behind that of "
            "international fleets, and that the shortage would ease “the moment owners pay the "
            "going rate”. The council said wages had risen 9% over two years.</p>"
        ),
    },
    {
        "headline": "Inquiry blames worn mooring line for death of deckhand at San Isidro Bay",
        "slug": "inquiry-worn-mooring-line-deckhand-death",
        "standfirst": (
            "Investigators found that a line which parted during a shift along the berth had "
            "been in service well beyond its recommended life, and call for changes to "
            "inspection rules."
        ),
        "section": "shipping",
        "tags": ["Labour", "Dry bulk"],
        "authors": ["marcus-teo"],
        "state": "published",
        "hours_ago": 400,
        "comments_open": False,
        "body": (
            "<p>A mooring line that parted and fatally injured a deckhand on a bulk carrier at "
            "San Isidro Bay earlier this year had been in service for more than twice its "
            "recommended working life, according to the report of a marine safety inquiry "
            "published this week.</p>\n"
            "<p>The 27-year-old deckhand was struck by the line as the ship was being moved "
            "along the berth in a strong offshore wind, and died in hospital the same day. The "
            "inquiry found that the line had not been inspected in the ship’s last three "
            "planned maintenance cycles, and that the crew had not been told to stand clear of "
            "the snap-back zone during the manoeuvre.</p>\n"
            "<h2>Recommendations</h2>\n"
            "<ul><li>Ship managers should replace lines according to the manufacturer’s "
            "guidance and record the date each line enters service.</li><li>Snap-back zones "
            "should be marked on deck and explained at every mooring briefing.</li><li>The "
            "port authority should require tugs to stand by when ships are moved along a berth "
            "in winds above 25 knots.</li></ul>\n"
            "<p>The ship’s manager said it had replaced all mooring lines across its fleet of "
            "nine ships and introduced new training. The port authority said it accepted the "
            "recommendation on tugs.</p>\n"
            "<p>The inquiry did not name the deckhand, at the request of his family. Comments "
            "are closed on this story.</p>"
        ),
    },
    {
        "headline": "Feeder operators prepare a new round of peak-season surcharges",
        "slug": "feeder-operators-peak-season-surcharges",
        "standfirst": (
            "Three regional carriers have told customers to expect surcharges of $150 to $300 "
            "per container from the start of next month."
        ),
        "section": "shipping",
        "tags": ["Freight rates", "Container shipping"],
        "authors": ["marcus-teo"],
        "state": "scheduled",
        "hours_ahead": 50,
        "body": (
            "<p>Three of the region’s larger feeder operators have told customers they will "
            "apply peak-season surcharges from the start of next month, according to customer "
            "notices seen by this publication.</p>\n"
            "<p>The surcharges range from $150 per 20-foot container on short intra-regional "
            "routes to $300 per 40-foot container on longer services to the Bay of Bengal. The "
            "carriers cite higher fuel costs, a tight charter market for small ships and "
            "congestion at transhipment hubs.</p>\n"
            "<p>Shippers’ groups say the timing is hard to justify while long-haul rates are "
            "falling. “The mainline carriers are cutting rates to Europe, and the feeder lines "
            "that connect us to them are putting theirs up,” said the chair of a regional "
            "exporters’ council. “Our customers see one price for the whole journey.”</p>\n"
            "<h2>Charter costs</h2>\n"
            "<p>Feeder operators argue that their costs are driven by a different market. "
            "Charter rates for ships of 1,000 to 2,000 TEU remain close to their highest in "
            "two years because few ships of that size have been ordered, brokers say.</p>\n"
            "<p>The notices say the surcharges will be reviewed at the end of the quarter. In "
            "past years, peak-season surcharges on intra-Asia routes have often been only "
            "partly applied as carriers competed for cargo.</p>"
        ),
    },
    {
        "headline": "Ammonia bunkering trial planned for Kembang anchorage",
        "slug": "ammonia-bunkering-trial-kembang-anchorage",
        "standfirst": (
            "A ship-to-ship transfer of ammonia fuel is planned for later this year, the first "
            "such trial in the region’s waters."
        ),
        "section": "shipping",
        "tags": ["Green shipping", "Dry bulk"],
        "authors": ["marcus-teo"],
        "state": "in_review",
        "hours_in_review": 26,
        "body": (
            "<p>A consortium of a fuel supplier, a gas carrier operator and an engine maker "
            "plans a ship-to-ship transfer of ammonia fuel at Kembang’s outer anchorage later "
            "this year, in what would be the first such trial in South-East Asian waters.</p>\n"
            "<p>About 400 tonnes of ammonia will be transferred from a small gas carrier to a "
            "bulk carrier fitted with an ammonia-capable engine. The Kembang Port Authority "
            "has approved a safety case for the transfer, with conditions on weather, distance "
            "from other ships and the presence of emergency response vessels.</p>\n"
            "<h2>Safety first</h2>\n"
            "<p>Ammonia produces no carbon dioxide when burned, but it is toxic, and leaks are "
            "the main worry of regulators and seafarers’ groups. The consortium says the "
            "transfer will use dry-break couplings and gas detection on both ships, and that "
            "the crews have trained for months.</p>\n"
            "<p>“We would rather run this trial slowly and publish everything we learn than be "
            "fast and wrong,” said a spokesperson for the consortium, which has promised to "
            "publish a report afterwards.</p>\n"
            "<p>The port authority said a permanent ammonia bunkering service would need a "
            "separate approval, including a public consultation with the coastal communities "
            "nearest the anchorage.</p>"
        ),
    },
    {
        "headline": "Charter rates for small container ships hold near two-year high",
        "slug": "small-container-ship-charter-rates-two-year-high",
        "standfirst": (
            "Owners of feeder-size ships are fixing one-year charters at rates not seen since "
            "the pandemic boom ended, as few new ships of that size are on order."
        ),
        "section": "shipping",
        "tags": ["Freight rates", "Container shipping"],
        "authors": ["marcus-teo"],
        "state": "draft",
        "sent_back_hours_ago": 2,
        "body": (
            "<p>Rates for chartering small container ships have held close to a two-year high "
            "through the quarter, brokers say, even as freight rates on the long-haul trades "
            "have fallen.</p>\n"
            "<p>A 1,700-TEU ship was fixed this month for twelve months at about $17,500 a "
            "day, compared with $11,000 a day for a similar ship at the start of last year. "
            "Ships of 2,500 to 3,000 TEU were fixing at around $24,000 a day.</p>\n"
            "<h2>Why small ships are scarce</h2>\n"
            "<ul><li>Most newbuilding orders in recent years have been for ships above 10,000 "
            "TEU.</li><li>Many feeder ships are more than 20 years old and are being "
            "scrapped.</li><li>Longer routes around conflict zones absorbed ships that would "
            "otherwise have returned to regional trades.</li></ul>\n"
            "<p>“Everybody ordered big ships, and now there are not enough small ships to "
            "carry their cargo the last few hundred miles,” one broker said.</p>\n"
            "<p>Owners are using their position to push for longer contracts. Several recent "
            "fixtures were for 24 or 36 months, which would lock regional carriers into "
            "today’s rates well beyond the current peak.</p>\n"
            "<p><strong>To add:</strong> comment from an owner, and this week’s charter index "
            "figures.</p>"
        ),
    },
    # Logistics
    {
        "headline": "Mekong barge co-operative doubles its fleet as road tolls bite",
        "slug": "mekong-barge-cooperative-doubles-fleet",
        "standfirst": (
            "Higher tolls on the delta’s main expressway have pushed exporters to send more "
            "containers to the coast by river, and the barge operators are buying."
        ),
        "section": "logistics",
        "tags": ["Inland waterways", "Supply chains"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 28,
        "source": "mekong-business-daily",
        "original_url": "https://mekongdaily.example/logistics/barge-cooperative-doubles-fleet",
        "body": (
            "<p>The Mekong Delta Barge Co-operative has doubled its fleet to 48 container "
            "barges in eighteen months, its chairman said, as exporters of rice, seafood and "
            "furniture send more boxes to the coast by river to avoid rising highway tolls.</p>\n"
            "<p>The co-operative’s barges, most of which carry 36 to 72 TEU, shuttle between "
            "river ports in the delta and the deepwater terminals near the coast. Volumes rose "
            "41% last year and are up a further 25% so far this year, chairman Le Van Thanh "
            "said.</p>\n"
            "<p>Toll increases on the main expressway have made trucking a 40-foot container "
            "from the central delta to the coast about $60 more expensive than two years ago. "
            "By barge the same trip costs roughly a third less than by road, though it takes a "
            "day longer.</p>\n"
            "<h2>Bottlenecks on the water</h2>\n"
            "<ul><li>Several bridges limit barges to three tiers of containers at high "
            "water.</li><li>Some river ports still load boxes with mobile cranes that manage "
            "fewer than ten moves an hour.</li><li>Dredging of the main channels has not kept "
            "up with siltation.</li></ul>\n"
            "<p>“If the channels are maintained, the river can carry twice what it does now,” "
            "Mr Thanh said. He called on the provincial authorities to publish a dredging plan "
            "for the next five years.</p>"
        ),
    },
    {
        "headline": "Cold-store shortage leaves durian exporters scrambling",
        "slug": "cold-store-shortage-durian-exporters",
        "standfirst": (
            "With the harvest at its peak, packers say they cannot find enough refrigerated "
            "space near the border crossings to hold fruit waiting for trucks."
        ),
        "section": "logistics",
        "tags": ["Cold chain", "Supply chains"],
        "authors": ["tran-minh-chau", "nur-aisyah-rahman"],
        "state": "published",
        "hours_ago": 90,
        "corrections": [
            {
                "text": (
                    "An earlier version of this story said Lotus Reefer Logistics’ planned "
                    "facility would hold 2,000 pallets. It will hold 20,000 pallets."
                ),
                "hours_after_publication": 10,
            },
        ],
        "body": (
            "<p>Durian packers in the region’s main growing areas say a shortage of cold "
            "storage near the northern border crossings is forcing them to turn fruit away or "
            "sell it at a discount, as the harvest reaches its peak.</p>\n"
            "<p>Refrigerated warehouses within 50 kilometres of the two busiest crossings were "
            "97% full last week, according to a survey by the Fruit Exporters’ Association. "
            "Packers reported waiting up to two days for a slot, during which the fruit must "
            "stay on trucks with their refrigeration units running.</p>\n"
            "<p>“Every hour on a truck in a queue is an hour off the shelf life,” said "
            "Kittipong Saelim, who runs a packing plant with 120 workers. “We have had two "
            "containers rejected on arrival because the fruit had started to split.”</p>\n"
            "<h2>Investment is coming, slowly</h2>\n"
            "<p>Several logistics groups have announced cold stores near the border, including "
            "a 20,000-pallet facility by Lotus Reefer Logistics. Most will not be ready before "
            "next year’s harvest.</p>\n"
            "<p>The association has asked customs to extend opening hours at the crossings "
            "during the peak season, which it says would speed the flow of trucks and reduce "
            "the need for storage. Customs officials said they would consider the request.</p>"
        ),
    },
    {
        "headline": "Warehouse rents in Kembang’s free zone climb 9% in a year",
        "slug": "kembang-free-zone-warehouse-rents-rise",
        "standfirst": (
            "Demand from regional distribution centres and e-commerce firms has pushed vacancy "
            "below 3%, a property consultancy says."
        ),
        "section": "logistics",
        "tags": ["Supply chains", "Customs"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 200,
        "body": (
            "<p>Rents for modern warehouses in the Kembang free trade zone rose 9% over the "
            "past twelve months, according to a report by the property consultancy Harcourt "
            "Lane, as demand from regional distribution centres and e-commerce companies "
            "outstripped new supply.</p>\n"
            "<p>Average asking rents for ground-floor space with loading docks reached the "
            "equivalent of $6.80 per square metre a month. Vacancy in the zone fell to 2.7%, "
            "the lowest since the consultancy began tracking it eight years ago.</p>\n"
            "<p>The report said most new demand came from three kinds of tenant:</p>\n"
            "<ul><li>manufacturers moving regional distribution closer to the port after "
            "spreading production across several countries;</li><li>online retailers building "
            "fulfilment centres for next-day delivery;</li><li>third-party logistics providers "
            "serving both.</li></ul>\n"
            "<p>About 320,000 square metres of new space is due over the next two years, which "
            "the report said should slow rent growth to 4–5% a year. But land prices in the "
            "zone have risen sharply, and developers are starting to build multi-storey "
            "warehouses with truck ramps, which cost more to build and to rent.</p>\n"
            "<p>Tenants outside the free zone pay on average 30% less, the consultancy said, "
            "but lose the suspension of duty on goods held for re-export.</p>"
        ),
    },
    {
        "headline": "Truck drivers end two-day protest at Lam Son border crossing",
        "slug": "lam-son-border-truck-protest-ends",
        "standfirst": (
            "Drivers blocked the freight lanes over waiting times and parking charges; "
            "provincial officials promised a truck park and longer customs hours."
        ),
        "section": "logistics",
        "tags": ["Labour", "Supply chains", "Customs"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 340,
        "source": "harbour-wire",
        "original_url": "https://harbourwire.example/logistics/lam-son-border-protest-ends",
        "body": (
            "<p>Truck drivers ended a two-day protest at the Lam Son border crossing after "
            "provincial officials agreed to open a new truck park and extend customs hours on "
            "the freight lanes, drivers’ representatives said.</p>\n"
            "<p>Several hundred drivers had parked across the approach road, halting "
            "cross-border freight in both directions. Queues on the highway reached about 12 "
            "kilometres at their peak, and some perishable cargo was diverted to other "
            "crossings.</p>\n"
            "<p>Drivers said they regularly waited more than a day to clear the crossing, and "
            "that private parking near the border had doubled its charges. “We sleep in our "
            "cabs for two nights and pay for the privilege,” said one driver, who asked not to "
            "be named.</p>\n"
            "<h2>What was agreed</h2>\n"
            "<ul><li>A provincial truck park with 400 spaces, toilets and showers, to open "
            "within six months.</li><li>Customs processing on the freight lanes extended from "
            "16 to 20 hours a day.</li><li>A review of parking charges in the border "
            "area.</li></ul>\n"
            "<p>Forwarders said the backlog should clear within two to three days. The "
            "Association of Mekong Forwarders said the protest had exposed “a crossing built "
            "for half the traffic it now carries”, and called for a second freight bridge to "
            "be brought forward.</p>"
        ),
    },
    {
        "headline": "Lotus Reefer Logistics opens cold-chain hub beside Laem Thong terminals",
        "slug": "lotus-reefer-cold-chain-hub-laem-thong",
        "standfirst": (
            "The 14,000-pallet facility combines cold storage with a bonded area and an "
            "on-site plant-health laboratory."
        ),
        "section": "logistics",
        "tags": ["Cold chain", "Green shipping"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 520,
        "body": (
            "<p>Lotus Reefer Logistics has opened a 14,000-pallet cold-chain hub next to the "
            "container terminals at Laem Thong, which it says will cut the time fruit and "
            "seafood exporters spend between harvest and loading by up to a day.</p>\n"
            "<p>The hub has seven temperature zones, from minus 25°C for frozen seafood to "
            "13°C for bananas and mangoes, and a bonded area where goods can be inspected and "
            "sealed under customs supervision. Plant-health officials will have an office and "
            "a small laboratory on site, so samples no longer have to be sent to the "
            "provincial capital.</p>\n"
            "<p>“The weakest link in a cold chain is usually a handover,” said managing "
            "director Anong Charoenrat. “We have put the cold store, the inspectors and the "
            "quay within a few hundred metres of each other.”</p>\n"
            "<h2>Power and price</h2>\n"
            "<p>The building carries 3.2 megawatts of solar panels on its roof, which the "
            "company says will cover about 40% of its electricity use. It did not disclose "
            "storage rates, but exporters said they had been offered introductory prices in "
            "line with older stores further from the port.</p>\n"
            "<p>Lotus plans two more hubs, including one near the northern border crossings, "
            "where exporters say cold storage is in short supply.</p>"
        ),
    },
    {
        "headline": "E-commerce parcels push last-mile firms onto the river",
        "slug": "ecommerce-parcels-last-mile-river-delivery",
        "standfirst": (
            "Delivery companies in two delta cities are using small electric boats to move "
            "parcels past congested streets to riverside depots."
        ),
        "section": "logistics",
        "tags": ["Inland waterways", "Supply chains"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 600,
        "body": (
            "<p>Two parcel delivery companies have begun moving packages by electric boat "
            "along the rivers of the delta’s largest cities, in an effort to avoid congested "
            "streets and keep the same-day delivery promises made by online retailers.</p>\n"
            "<p>Each boat carries up to 1,500 parcels from an out-of-town sorting centre to "
            "riverside depots in the city centre, where couriers on electric scooters collect "
            "them for the last kilometre or two. One of the companies, QuickLotus Express, "
            "says the boats have cut the average delivery time in the districts they serve "
            "from 26 hours to nine.</p>\n"
            "<p>The services are small – four boats between the two companies – but city "
            "authorities trying to reduce truck traffic have taken an interest. One city has "
            "offered disused public landing stages at a nominal rent.</p>\n"
            "<h2>The limits</h2>\n"
            "<ul><li>The boats cannot run at the highest tides, when they do not fit under "
            "some bridges.</li><li>Charging points at landing stages are still "
            "scarce.</li><li>Parcels must be sorted by neighbourhood before they leave the "
            "depot, which adds a handling step.</li></ul>\n"
            "<p>“It is not a solution for everything, but for the old districts the river is "
            "the fastest road we have,” said the operations head of one of the companies.</p>"
        ),
    },
    {
        "headline": "Forwarders ask carriers for longer free time on empty container returns",
        "slug": "forwarders-ask-longer-free-time-empty-returns",
        "standfirst": (
            "A forwarders’ association says importers are paying detention charges because "
            "empty-container depots are full and open only in office hours."
        ),
        "section": "logistics",
        "tags": ["Container shipping", "Supply chains"],
        "authors": ["tran-minh-chau"],
        "state": "in_review",
        "hours_in_review": 5,
        "body": (
            "<p>The Association of Mekong Forwarders has asked the container lines serving the "
            "region to extend the free time for returning empty containers from five days to "
            "eight, saying congestion at depots makes the current limit impossible to meet.</p>\n"
            "<p>In a letter to carriers, the association said its members had paid detention "
            "charges on about 18% of import containers last quarter, mostly because depots "
            "named by the lines were full or could not offer a return appointment in time.</p>\n"
            "<p>“Nobody keeps an empty box because they want to. They keep it because the "
            "depot has told them to come back on Thursday,” said the association’s chairman, "
            "Vo Quoc Bao.</p>\n"
            "<h2>What the letter asks for</h2>\n"
            "<ul><li>Eight days’ free time for empty returns in the peak season.</li><li>No "
            "detention charged when a depot refuses a return or cannot offer an "
            "appointment.</li><li>Depot opening hours extended into evenings and "
            "weekends.</li></ul>\n"
            "<p>Two carriers have replied, saying they would review depot capacity but making "
            "no commitment on free time. Regulators in several countries have taken a closer "
            "interest in detention and demurrage charges since the pandemic, when such charges "
            "rose sharply.</p>"
        ),
    },
    {
        "headline": "How a mid-sized forwarder halved the time it spends on carbon reporting",
        "slug": "forwarder-halves-carbon-reporting-time",
        "standfirst": (
            "Customers increasingly ask for the emissions of every shipment. One forwarder "
            "explains how it automated the sums."
        ),
        "section": "logistics",
        "tags": ["Green shipping", "Automation"],
        "authors": ["tran-minh-chau", "marcus-teo"],
        "state": "draft",
        "body": (
            "<p>Two years ago, preparing the quarterly emissions report for its largest "
            "customer took Bintang Freight’s sustainability manager about three weeks. Now it "
            "takes a little over a week, and most of that is checking.</p>\n"
            "<p>The 140-employee forwarder, which handles about 30,000 TEU a year, started "
            "with the data it already had: the vessel, route and distance of each sea leg, and "
            "the truck type and kilometres of each road leg. It then applied emission factors "
            "from a widely used industry methodology to calculate the emissions of each "
            "shipment.</p>\n"
            "<h2>What made the difference</h2>\n"
            "<ul><li>Recording the vessel name on every booking, not just the "
            "carrier.</li><li>Asking trucking subcontractors for their monthly fuel use, which "
            "most could provide.</li><li>Agreeing with customers in advance which method would "
            "be used.</li></ul>\n"
            "<p>“The maths is not the hard part. The hard part is getting the same data every "
            "time from people who have never been asked for it before,” said the "
            "sustainability manager, Siti Haryani.</p>\n"
            "<p>The company now sends emissions figures to all customers with their invoices, "
            "and says two new contracts last year required it.</p>"
        ),
    },
    # Trade policy
    {
        "headline": "Customs single windows to link every major port by next year",
        "slug": "customs-single-windows-every-major-port",
        "standfirst": (
            "Traders will be able to send declarations and permits electronically between all "
            "of the region’s major ports, officials say, ending paper submissions at the last "
            "five."
        ),
        "section": "trade-policy",
        "tags": ["Customs", "Trade agreements"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 10,
        "corrections": [
            {
                "text": (
                    "An earlier version of this story said 14 of the ports were already "
                    "connected. Eighteen are."
                ),
                "hours_after_publication": 3,
            },
        ],
        "body": (
            "<p>Customs declarations and import permits at all of the region’s 23 major "
            "container ports will be filed through connected single-window systems by the end "
            "of next year, officials of the Southern Seas Economic Forum said after a meeting "
            "of its customs working group.</p>\n"
            "<p>Eighteen of the ports are already connected, allowing an exporter in one "
            "member economy to send a certificate of origin and an export declaration "
            "electronically to the importing country’s customs. The other five, mostly smaller "
            "ports, still rely partly on paper for permits issued by agriculture and health "
            "agencies.</p>\n"
            "<p>“The declaration has been electronic for years. The permits are where the "
            "paper hides,” said the working group’s chair, Mariam Aziz. She said the plan "
            "would connect 14 permit-issuing agencies that still stamp documents by hand.</p>\n"
            "<h2>What changes for traders</h2>\n"
            "<ul><li>Electronic plant-health and food-safety certificates accepted at every "
            "major port.</li><li>One reference number for a shipment, from export declaration "
            "to import clearance.</li><li>Automatic status updates on declarations sent to "
            "traders.</li></ul>\n"
            "<p>Traders’ associations welcomed the timetable but pointed out that earlier "
            "deadlines had slipped. A study for the forum last year estimated that full "
            "digitisation of permits could cut average import clearance times by 30%.</p>"
        ),
    },
    {
        "headline": "Rice export duty cut draws cautious welcome from traders",
        "slug": "rice-export-duty-cut-cautious-welcome",
        "standfirst": (
            "The government has halved the duty on milled rice exports to help clear stocks "
            "after a bumper harvest, but traders say logistics costs matter more."
        ),
        "section": "trade-policy",
        "tags": ["Trade agreements", "Supply chains", "Inland waterways"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 60,
        "source": "mekong-business-daily",
        "original_url": "https://mekongdaily.example/trade/rice-export-duty-cut",
        "body": (
            "<p>Rice exporters have given a cautious welcome to a government decision to halve "
            "the duty on milled rice exports, saying the cut will help clear stocks after a "
            "bumper harvest but will not by itself make the country’s rice more "
            "competitive.</p>\n"
            "<p>The duty on most grades of milled rice falls from 4% to 2% from next month, "
            "the trade ministry announced. Fragrant rice, which is already exempt, is "
            "unaffected.</p>\n"
            "<p>Traders said stocks held by millers and exporters were about 30% higher than a "
            "year ago, after favourable weather in the delta. Farm-gate prices for paddy have "
            "fallen by around 12% over the season.</p>\n"
            "<blockquote><p>“The duty cut is worth about eight dollars a tonne. Getting a "
            "container from the mill to the ship costs us five times that, and that is where "
            "the real saving is,” said exporter Nguyen Thi Hoa.</p></blockquote>\n"
            "<p>Exporters called for faster inspections at the river ports and better road "
            "access to the coast. The ministry said it would review the cut after six months, "
            "and put its cost to the treasury at about $40m a year.</p>\n"
            "<p>Buyers in the region reacted little, with offer prices for 5% broken white "
            "rice easing by only a few dollars a tonne.</p>"
        ),
    },
    {
        "headline": "Southern Seas forum agrees common text on rules of origin",
        "slug": "southern-seas-forum-rules-of-origin",
        "standfirst": (
            "Negotiators have settled a single set of rules for deciding where goods come "
            "from, which traders say should make lower tariffs easier to claim."
        ),
        "section": "trade-policy",
        "tags": ["Trade agreements", "Customs"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 170,
        "corrections": [
            {
                "text": (
                    "An earlier version of this story said the general rule requires 35% "
                    "regional value content. It requires 40%."
                ),
                "hours_after_publication": 5,
            },
        ],
        "body": (
            "<p>Negotiators from the nine members of the Southern Seas Economic Forum have "
            "agreed a common text on rules of origin, settling how much processing a product "
            "must undergo in the region to qualify for the forum’s preferential tariffs.</p>\n"
            "<p>The text replaces three overlapping sets of rules from earlier arrangements, "
            "which exporters said were so complex that many did not claim the lower tariffs "
            "they were entitled to. A survey for the forum found that only 41% of eligible "
            "exports used the preferences last year.</p>\n"
            "<h2>What is in the text</h2>\n"
            "<ul><li>A general rule of 40% regional value content or a change of tariff "
            "heading, at the exporter’s choice.</li><li>Specific rules for about 600 products, "
            "including textiles, electronics and processed food.</li><li>Self-certification of "
            "origin by approved exporters.</li></ul>\n"
            "<p>“This is not the most exciting document we have ever signed, but it may be the "
            "most useful,” said the forum’s lead negotiator, Arturo Belmonte.</p>\n"
            "<p>Each member’s government must still approve the text, which will take effect "
            "after the ministers’ meeting later this year. Customs agencies will then have "
            "twelve months to update their systems. Business groups asked for clear guidance "
            "to be published well before that deadline.</p>"
        ),
    },
    {
        "headline": "Customs brokers blame new tariff codes for clearance delays",
        "slug": "customs-brokers-new-tariff-codes-delays",
        "standfirst": (
            "Brokers say shipments are being held while declarations are corrected under the "
            "updated tariff nomenclature that took effect at the start of the year."
        ),
        "section": "trade-policy",
        "tags": ["Customs", "Trade agreements"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 290,
        "body": (
            "<p>Customs brokers say the updated tariff nomenclature introduced at the start of "
            "the year is still causing delays at the region’s ports, with declarations "
            "rejected because goods are entered under codes that no longer exist.</p>\n"
            "<p>The update, which follows the latest revision of the international Harmonized "
            "System, added, split or deleted several hundred tariff lines, including codes for "
            "electronic equipment, chemicals and some food products. Brokers said the "
            "correlation tables published by customs were incomplete for some products.</p>\n"
            "<p>A survey of 85 brokers by the Customs Brokers’ Association found that 23% of "
            "declarations filed in the first quarter needed at least one correction, compared "
            "with 9% a year earlier. Each correction added on average a day and a half to "
            "clearance.</p>\n"
            "<blockquote><p>“Our members knew the old codes by heart. The new ones are better "
            "in many ways, but the system was switched on before the guidance was ready,” said "
            "the association’s president, Lorna Castillo.</p></blockquote>\n"
            "<p>Customs officials said rejection rates had fallen every month since the "
            "change, and that a complete correlation table would be published within weeks. "
            "They urged traders to use the advance ruling service for products whose "
            "classification is uncertain.</p>"
        ),
    },
    {
        "headline": "Nickel ore export quotas to tighten as domestic smelters expand",
        "slug": "nickel-ore-export-quotas-tighten",
        "standfirst": (
            "Export permits for unprocessed ore will be cut by about a quarter next year, "
            "officials said, to keep more ore for processing plants at home."
        ),
        "section": "trade-policy",
        "tags": ["Dry bulk", "Trade agreements"],
        "authors": ["tran-minh-chau", "marcus-teo"],
        "state": "published",
        "hours_ago": 450,
        "source": "straits-ledger",
        "original_url": "https://straitsledger.example/trade/nickel-ore-export-quotas-cut",
        "body": (
            "<p>Export quotas for unprocessed nickel ore will be reduced by about 25% next "
            "year, the mining ministry said, as the government seeks to steer more ore to the "
            "smelters being built in the country’s eastern provinces.</p>\n"
            "<p>Quotas have been set at 28 million tonnes, down from 37 million tonnes this "
            "year. Companies with stakes in domestic processing plants will receive priority, "
            "according to the ministry’s statement.</p>\n"
            "<p>The policy continues a long-running effort to capture more of the value of the "
            "country’s minerals by processing them before export. Exports of nickel pig iron "
            "and intermediate products have risen sharply in recent years as new plants came "
            "into operation.</p>\n"
            "<h2>What it means for shipping</h2>\n"
            "<p>For dry bulk shipping, a smaller ore quota means fewer Supramax and Ultramax "
            "cargoes from the mining ports, but more shipments of coal and other inputs to the "
            "smelters, and more container and breakbulk shipments of processed products. "
            "Brokers said the net effect on demand for ships was hard to predict.</p>\n"
            "<p>Overseas buyers of ore, mainly stainless steel producers, said they had "
            "expected the cut and had already signed contracts elsewhere for part of next "
            "year’s needs.</p>"
        ),
    },
    {
        "headline": "Carbon border levies: what the region’s exporters face",
        "slug": "carbon-border-levies-exporters-explainer",
        "standfirst": (
            "Some of the region’s biggest markets now ask importers of steel, aluminium, "
            "cement and fertiliser to account for the emissions embedded in them. Here is what "
            "that means for suppliers."
        ),
        "section": "trade-policy",
        "tags": ["Green shipping", "Trade agreements"],
        "authors": ["tran-minh-chau"],
        "state": "published",
        "hours_ago": 690,
        "body": (
            "<p>Several of South-East Asia’s largest export markets have introduced, or are "
            "introducing, carbon border adjustments: charges on imports of carbon-intensive "
            "goods that reflect the emissions released in making them. For the region’s "
            "exporters of steel, aluminium, cement and fertiliser, the first effect is "
            "paperwork; the cost comes later.</p>\n"
            "<h2>What suppliers are asked for</h2>\n"
            "<ul><li>The direct emissions from producing each product, per tonne.</li><li>The "
            "electricity used and, where possible, the emissions from generating "
            "it.</li><li>Evidence of any carbon price already paid in the country of "
            "production.</li></ul>\n"
            "<p>Importers are responsible for the declarations, but they depend on data that "
            "only their suppliers have. Trade associations in the region report a rush of "
            "questionnaires from buyers, many in different formats.</p>\n"
            "<p>“The first question our members ask is who will pay. The second, more useful "
            "question is how much data they already have,” said Liew Mei Ling of the Regional "
            "Steel Exporters’ Group. Plants that already measure their fuel and power use can "
            "usually produce a credible figure within weeks, she said.</p>\n"
            "<h2>Where shipping comes in</h2>\n"
            "<p>The levies cover the emissions of production, not of the sea voyage. But "
            "buyers asking for product emissions are increasingly asking for transport "
            "emissions too, and forwarders say requests for shipment-level carbon figures have "
            "risen sharply.</p>"
        ),
    },
    {
        "headline": "Customs agencies to trial mutual recognition of trusted traders",
        "slug": "customs-mutual-recognition-trusted-traders",
        "standfirst": (
            "Companies certified as trusted traders in one of four countries will get faster "
            "clearance in the other three during a one-year pilot."
        ),
        "section": "trade-policy",
        "tags": ["Customs", "Trade agreements"],
        "authors": ["tran-minh-chau"],
        "state": "scheduled",
        "hours_ahead": 80,
        "body": (
            "<p>Customs agencies in four members of the Southern Seas Economic Forum will "
            "recognise one another’s trusted-trader certifications in a one-year pilot "
            "starting next quarter, the forum’s secretariat said.</p>\n"
            '<p>Companies certified as <abbr title="Authorised Economic '
            'Operators">AEOs</abbr> in any of the four countries will get fewer physical '
            "inspections, priority processing and a named customs contact when their goods are "
            "imported into the others. About 1,100 companies hold the status across the "
            "four.</p>\n"
            "<p>Trusted-trader programmes require companies to show that they have secure "
            "premises, reliable records and a good compliance history. Until now the benefits "
            "applied only at home, which business groups said reduced the incentive to go "
            "through certification.</p>\n"
            "<h2>How the pilot will be judged</h2>\n"
            "<ul><li>Average clearance time for certified shipments compared with "
            "others.</li><li>Inspection rates, which the agencies have agreed to publish every "
            "quarter.</li><li>Feedback from participating companies after six months.</li></ul>\n"
            "<p>If the pilot succeeds, the secretariat said, mutual recognition could be "
            "extended to all nine forum members. Groups representing small exporters asked for "
            "the certification process to be simplified so that smaller firms can take "
            "part.</p>"
        ),
    },
    {
        "headline": "Explainer: the de minimis threshold and the flood of small parcels",
        "slug": "de-minimis-threshold-small-parcels-explainer",
        "standfirst": (
            "Goods below a certain value enter many countries without duty. As cross-border "
            "e-commerce grows, governments across the region are rethinking the limit."
        ),
        "section": "trade-policy",
        "tags": ["Customs", "Supply chains"],
        "authors": ["tran-minh-chau"],
        "state": "draft",
        "by": "editor",
        "body": (
            "<p>Most countries let goods below a certain value in without customs duty, and "
            "often without a full customs declaration. The limit, known as the de minimis "
            "threshold, was designed for occasional gifts and samples. It now governs millions "
            "of e-commerce parcels a day.</p>\n"
            "<h2>Why it matters</h2>\n"
            "<p>Retailers selling from warehouses abroad can ship directly to consumers below "
            "the threshold, while domestic shops pay duty on the same goods when they import "
            "them in bulk. Domestic retailers say that is unfair; consumer groups say the "
            "threshold keeps prices down.</p>\n"
            "<h2>What governments are doing</h2>\n"
            "<ul><li>Lowering the threshold, sometimes to zero for certain "
            "goods.</li><li>Collecting sales tax on low-value goods through the online "
            "platform rather than at the border.</li><li>Requiring electronic data on each "
            "parcel before it arrives.</li></ul>\n"
            "<p>For customs agencies the challenge is volume. Checking a container of "
            "identical goods is straightforward; checking 10,000 parcels with 10,000 "
            "descriptions is not. Several agencies in the region are testing risk-scoring "
            "software that uses the advance data to pick parcels for inspection.</p>\n"
            "<p><strong>Editor’s note:</strong> add each country’s current threshold before "
            "publication.</p>"
        ),
    },
    # Technology
    {
        "headline": "Kembang Gateway switches on remote-controlled yard cranes",
        "slug": "kembang-gateway-remote-controlled-yard-cranes",
        "standfirst": (
            "Operators will run the cranes in the terminal’s new stacking area from a control "
            "room, one operator to four cranes."
        ),
        "section": "technology",
        "tags": ["Automation", "Port expansion", "Labour"],
        "authors": ["marcus-teo", "nur-aisyah-rahman"],
        "state": "published",
        "hours_ago": 35,
        "body": (
            "<p>Kembang Gateway Terminals has started operating 24 remote-controlled "
            "rail-mounted gantry cranes in the container yard behind its new Phase 3 berths, "
            "the first large-scale use of the technology at the port.</p>\n"
            "<p>The cranes stack and retrieve containers automatically within the yard blocks. "
            "For the most delicate moves, such as setting a container onto a truck, a human "
            "operator takes over by remote control from a room about two kilometres away. Each "
            "operator supervises up to four cranes.</p>\n"
            "<p>The terminal said the system would raise yard productivity by about 20% and "
            "allow round-the-clock work without night shifts in crane cabs. Operators who "
            "worked in the cabs have been retrained for the control room, and the terminal "
            "said no jobs had been lost.</p>\n"
            "<h2>Union wants a say in what comes next</h2>\n"
            "<p>The dockworkers’ union said it had agreed to the first phase after "
            "negotiations on training and pay, but wanted a formal role in decisions about any "
            "further automation. “Remote control is one thing; taking the human out entirely "
            "is another conversation,” a union official said.</p>\n"
            "<p>The terminal’s older berths will keep manned cranes for now. Chief executive "
            "Farid Mansor said automating the older yard would be considered “only when the "
            "new one has proved itself”.</p>"
        ),
    },
    {
        "headline": "Electronic bills of lading gain ground among regional shippers",
        "slug": "electronic-bills-of-lading-gain-ground",
        "standfirst": (
            "A survey of exporters finds one in five now uses an electronic bill for at least "
            "some shipments, up from one in twenty three years ago."
        ),
        "section": "technology",
        "tags": ["Automation", "Supply chains", "Customs"],
        "authors": ["marcus-teo"],
        "state": "published",
        "hours_ago": 100,
        "source": "harbour-wire",
        "original_url": ("https://harbourwire.example/technology/electronic-bills-of-lading-survey"),
        "body": (
            "<p>Electronic bills of lading are being used by a growing share of South-East "
            "Asian exporters, according to a survey by the Regional Shippers’ Council, though "
            "most shipments still travel on paper.</p>\n"
            "<p>Of 410 exporters surveyed, 21% said they had used an electronic bill of lading "
            "for at least one shipment in the past year, up from 5% in a similar survey three "
            "years ago. But only 4% said electronic bills accounted for most of their "
            "shipments.</p>\n"
            "<p>The bill of lading is the document of title for goods at sea: whoever holds "
            "the original can claim the cargo. Sending paper originals by courier between "
            "exporter, banks and importer can take days, and late or lost originals are a "
            "frequent reason for cargo being held at the destination port.</p>\n"
            "<h2>What is holding exporters back</h2>\n"
            "<ul><li>Banks that finance trade still often require paper "
            "documents.</li><li>Competing platforms do not always connect with one "
            "another.</li><li>Legal recognition of electronic title documents varies between "
            "countries.</li></ul>\n"
            "<p>Several countries in the region have changed their laws to recognise "
            "electronic transferable records, and the council said that change was “beginning "
            "to show” in the figures. “Once your bank says yes, the rest follows quickly,” "
            "said the council’s digital trade adviser, Kevin Ang.</p>"
        ),
    },
    {
        "headline": "Port system outage leaves 600 containers waiting at Tanjung Selasih",
        "slug": "port-system-outage-tanjung-selasih",
        "standfirst": (
            "A failure in the port community system stopped the release of import containers "
            "for most of a day before a backup server was brought online."
        ),
        "section": "technology",
        "tags": ["Automation", "Customs"],
        "authors": ["marcus-teo"],
        "state": "published",
        "hours_ago": 230,
        "corrections": [
            {
                "text": (
                    "An earlier version of this story said the outage lasted 24 hours. "
                    "Containers were held for up to 14 hours."
                ),
                "hours_after_publication": 4,
            },
        ],
        "body": (
            "<p>About 600 import containers were held at Tanjung Selasih for up to 14 hours "
            "after a failure in the port community system, which passes release messages "
            "between customs, shipping lines and the terminal, the Selasih Harbour Board "
            "said.</p>\n"
            "<p>The fault, which the board said was caused by a failed storage array and not "
            "by a cyber attack, began shortly after midnight. Because the terminal cannot "
            "release a container without an electronic customs clearance message, trucks "
            "arriving to collect imports were turned away through the morning.</p>\n"
            "<p>A backup server was brought online in the early afternoon and the backlog had "
            "cleared by evening. Exports were less affected because the terminal kept "
            "accepting containers, though loading lists had to be checked by hand.</p>\n"
            "<h2>Questions about resilience</h2>\n"
            "<p>Hauliers and forwarders asked why the switch to the backup took so long. “We "
            "were told the system had a standby. A standby that takes twelve hours is not a "
            "standby,” said the chair of the local hauliers’ association.</p>\n"
            "<p>The board said it would commission an independent review of the incident and "
            "publish a summary. It is also considering a manual release procedure for future "
            "outages, which the terminal operator has requested since the system was "
            "introduced.</p>"
        ),
    },
    {
        "headline": "Start-up pitches hydrogen fuel cells for harbour tugs",
        "slug": "startup-hydrogen-fuel-cell-harbour-tugs",
        "standfirst": (
            "Cahaya Marine Power says a demonstration tug could be working in a regional port "
            "within two years, but port operators want to see the refuelling plan first."
        ),
        "section": "technology",
        "tags": ["Green shipping", "Port expansion"],
        "authors": ["marcus-teo"],
        "state": "published",
        "hours_ago": 380,
        "body": (
            "<p>Cahaya Marine Power, a start-up founded by former engineers of a regional "
            "shipyard, says it has completed the design of a harbour tug powered by hydrogen "
            "fuel cells and batteries, and is looking for a port operator to take part in a "
            "demonstration.</p>\n"
            "<p>Harbour tugs spend much of their time idle or moving slowly, with short bursts "
            "of high power when they assist a ship. That profile suits batteries for the peaks "
            "and fuel cells for the steady load, the company argues. Its design has a bollard "
            "pull of 60 tonnes, comparable with a conventional tug of the same size.</p>\n"
            "<p>“Tugs stay in one port, come back to the same berth every night and never "
            "cross an ocean. They are the easiest ships in the world to decarbonise,” said "
            "co-founder Dewi Lestari.</p>\n"
            "<h2>The fuel problem</h2>\n"
            "<p>Port operators that have seen the proposal say the main question is where the "
            "hydrogen would come from. Compressed hydrogen would have to be trucked in until a "
            "local supply is built, and storage at the tug berth would need safety "
            "approval.</p>\n"
            "<p>The company estimates that its tug would cost about two and a half times as "
            "much as a diesel equivalent. It has applied to two green shipping funds for "
            "grants to cover part of the difference.</p>"
        ),
    },
    {
        "headline": "Tanjung Selasih tests AI berth planning to cut waits at anchor",
        "slug": "tanjung-selasih-ai-berth-planning-trial",
        "standfirst": (
            "The harbour board hopes software that predicts ship arrivals and crane "
            "productivity will shorten the time ships spend at anchor."
        ),
        "section": "technology",
        "tags": ["Automation", "Container shipping"],
        "authors": ["marcus-teo"],
        "state": "draft",
        "body": (
            "<p>The Selasih Harbour Board has begun a six-month trial of berth-planning "
            "software that uses machine learning to predict when ships will actually arrive "
            "and how long they will take to work, with the aim of reducing waiting times at "
            "anchor.</p>\n"
            "<p>The software, developed by the regional firm Jadeport Systems, combines ships’ "
            "positions, their declared arrival times, weather forecasts and the terminal’s "
            "record of crane productivity. It proposes a berth plan, which human planners can "
            "accept or change.</p>\n"
            "<p>Planners now rely largely on the arrival times that agents send 24 hours "
            "ahead, which the board says are wrong by more than three hours for about 40% of "
            "calls.</p>\n"
            "<h2>How the trial will be judged</h2>\n"
            "<ul><li>Average time at anchor for container ships.</li><li>The number of changes "
            "to the berth plan within 12 hours of arrival.</li><li>How often planners override "
            "the software, and why.</li></ul>\n"
            "<p>“We are not handing the berth plan to a computer,” said the board’s planning "
            "manager, Yusuf Halim. “We are giving our planners a better forecast, and we will "
            "measure whether it helps.”</p>"
        ),
    },
    {
        "headline": "Jadeport Systems to open a live feed of vessel arrival data",
        "slug": "jadeport-open-vessel-arrival-feed",
        "standfirst": (
            "The port software firm says it will publish predicted arrival times for ships at "
            "five regional ports free of charge, in a bid to set a common standard."
        ),
        "section": "technology",
        "tags": ["Automation", "Container shipping"],
        "authors": ["marcus-teo"],
        "state": "scheduled",
        "hours_ahead": 96,
        "body": (
            "<p>Jadeport Systems, which supplies planning software to several ports in the "
            "region, will start publishing a free live feed of predicted vessel arrival times "
            "for five ports next month, the company said.</p>\n"
            "<p>For each ship expected within 72 hours, the feed will give a predicted arrival "
            "time, the confidence of the prediction and, where the port has agreed to share "
            "it, the planned berth. It will be available through an open interface under a "
            "licence that allows commercial use.</p>\n"
            "<p>Jadeport’s chief executive, Clara Ong, said the aim was to make arrival data "
            "“as boring and reliable as a train timetable”. Hauliers, pilots, tug operators "
            "and agents now gather the same information from different sources, she said.</p>\n"
            "<ul><li>Ports covered at launch: Kembang, Tanjung Selasih, Laem Thong, Lam Son "
            "and San Isidro Bay.</li><li>Updates every 15 minutes.</li><li>Documentation on "
            'the company’s <a href="https://jadeport.example/developers">developer '
            "site</a>.</li></ul>\n"
            "<p>Some shipping lines have been wary of sharing schedule data openly, arguing "
            "that it can reveal commercial information. Jadeport said the feed would contain "
            "only data that ports already publish or that can be observed from ships’ position "
            "reports.</p>"
        ),
    },
    {
        "headline": "Terminal operators face new rule to report cyber incidents within 24 hours",
        "slug": "terminal-operators-cyber-incident-reporting-rule",
        "standfirst": (
            "A draft regulation would require port and terminal operators to notify the "
            "national cyber-security agency of serious incidents and to test their recovery "
            "plans every year."
        ),
        "section": "technology",
        "tags": ["Automation", "Customs"],
        "authors": ["marcus-teo", "tran-minh-chau"],
        "state": "in_review",
        "hours_in_review": 1,
        "body": (
            "<p>Port and terminal operators would have to report serious cyber-security "
            "incidents to the national cyber-security agency within 24 hours, under a draft "
            "regulation published for consultation this week.</p>\n"
            "<p>The draft classes ports, large terminals and port community systems as "
            "critical infrastructure. Operators would have to appoint a named security "
            "officer, test their plans for restoring operations at least once a year, and "
            "report incidents that disrupt cargo handling or expose customer data.</p>\n"
            "<p>The proposal follows several incidents in the region, including ransomware "
            "attacks on shipping companies and the outage of the port community system at "
            "Tanjung Selasih, which turned out to be a hardware fault but exposed weaknesses "
            "in backup arrangements.</p>\n"
            "<h2>Industry response</h2>\n"
            "<p>Terminal operators said they supported the aim but feared the 24-hour deadline "
            "would force them to report before they understood what had happened. Their "
            "association suggested an initial notice within 72 hours and a full report within "
            "a month.</p>\n"
            "<p>Smaller port operators said they lacked staff with security expertise and "
            "asked for a transition period. The consultation closes in six weeks.</p>"
        ),
    },
    {
        "headline": "Drone delivery trial to ships at anchor ends early",
        "slug": "drone-delivery-trial-anchorage-ends-early",
        "standfirst": (
            "Drone deliveries of spare parts and documents to ships at Kembang’s anchorage "
            "have been suspended after a drone was lost at sea."
        ),
        "section": "technology",
        "tags": ["Automation", "Supply chains"],
        "authors": ["marcus-teo"],
        "state": "archived",
        "hours_ago": 700,
        "body": (
            "<p>A trial of drone deliveries to ships anchored off Kembang has been suspended "
            "three months before its planned end, after one of the drones was lost at sea "
            "during a delivery in high winds.</p>\n"
            "<p>The trial, run by a ship supply company with the port authority’s approval, "
            "used drones to fly small items such as spare parts, medical supplies and "
            "documents up to five kilometres from shore to ships at anchor. Launch boats have "
            "traditionally done the job, which can take hours and cost several hundred dollars "
            "a trip.</p>\n"
            "<p>More than 900 deliveries were completed before the loss. No one was hurt, and "
            "the drone was carrying only a parcel of documents, the supply company said.</p>\n"
            "<p>The port authority said the trial would not resume until the company had shown "
            "that its drones could operate safely in the winds common at the anchorage during "
            "the monsoon, and had agreed a procedure for recovering lost equipment.</p>\n"
            "<p>The supply company said it remained confident in the service and hoped to "
            "restart after the monsoon season with heavier drones.</p>"
        ),
    },
]

# The drawn lead picture of each story that has one (``demo/pictures.py`` draws the kind, and
# writes the alt text from what it drew); the captions say what the story is about. Eight
# stories have none, so the site shows lists and pages both with and without pictures.
PICTURE_CREDIT = "Illustration: Newsroom demo"
PICTURES = {
    "tanjung-selasih-closes-channel-after-feeder-fire": (
        "ship",
        "At least nine vessels are waiting at the outer anchorage while the channel is closed.",
    ),
    "kembang-gateway-opens-deepwater-berths": (
        "port",
        "Kembang Gateway’s two new berths have 18 metres of water alongside.",
    ),
    "san-isidro-bay-channel-dredging-contract": (
        "ship",
        "Deepening the channel to 15.5 metres will take about 22 months, the port authority says.",
    ),
    "lam-son-opens-container-rail-spur": (
        "yard",
        "The rail spur runs 14 kilometres from the container yard at Lam Son to an inland depot.",
    ),
    "kembang-berth-window-rules-feeders": (
        "port",
        "Feeder ships that miss their weekly window at Kembang will wait for a free berth.",
    ),
    "kembang-cruise-terminal-shore-power-explained": (
        "energy",
        "Cruise ships at Kembang will be expected to plug in to shore power from next year.",
    ),
    "asia-europe-spot-rates-fall-fourth-week": (
        "chart-fall",
        "The cost of moving a 40-foot box from South-East Asia to northern Europe fell 6% on the week.",
    ),
    "selat-marine-lines-orders-methanol-feeders": (
        "ship",
        "Selat Marine Lines’ six new feeders will be able to burn methanol as well as conventional fuel.",
    ),
    "bulk-carriers-queue-tanjung-selasih-nickel-ore": (
        "bulk",
        "More than 40 bulk carriers were waiting at anchor off Tanjung Selasih this week.",
    ),
    "feeder-operators-peak-season-surcharges": (
        "chart-rise",
        "Surcharges of $150 to $300 per container are due from the start of next month.",
    ),
    "ammonia-bunkering-trial-kembang-anchorage": (
        "tanker",
        "The trial would transfer ammonia fuel from ship to ship at the Kembang anchorage.",
    ),
    "small-container-ship-charter-rates-two-year-high": (
        "chart-rise",
        "One-year charters for feeder-size ships are fixing at rates last seen two years ago.",
    ),
    "mekong-barge-cooperative-doubles-fleet": (
        "river",
        "Higher expressway tolls are sending more of the delta’s containers to the coast by barge.",
    ),
    "cold-store-shortage-durian-exporters": (
        "warehouse",
        "Packers say refrigerated space near the border crossings is full at the peak of the harvest.",
    ),
    "kembang-free-zone-warehouse-rents-rise": (
        "warehouse",
        "Vacancy in Kembang’s free zone has fallen below 3%, a property consultancy says.",
    ),
    "lam-son-border-truck-protest-ends": (
        "warehouse",
        "Officials have promised a truck park and longer customs hours at the Lam Son crossing.",
    ),
    "lotus-reefer-cold-chain-hub-laem-thong": (
        "warehouse",
        "The 14,000-pallet hub beside the Laem Thong terminals includes a bonded area.",
    ),
    "ecommerce-parcels-last-mile-river-delivery": (
        "river",
        "Small electric boats carry parcels past congested streets to riverside depots.",
    ),
    "forwarders-ask-longer-free-time-empty-returns": (
        "yard",
        "Forwarders say empty-container depots are full and open only in office hours.",
    ),
    "customs-single-windows-every-major-port": (
        "map",
        "Declarations and permits will move electronically between all of the region’s major ports.",
    ),
    "rice-export-duty-cut-cautious-welcome": (
        "bulk",
        "The duty on milled rice exports has been halved to help clear stocks after a bumper harvest.",
    ),
    "southern-seas-forum-rules-of-origin": (
        "map",
        "A single set of rules of origin should make lower tariffs easier to claim across the region.",
    ),
    "nickel-ore-export-quotas-tighten": (
        "chart-fall",
        "Export permits for unprocessed nickel ore will be cut by about a quarter next year.",
    ),
    "carbon-border-levies-exporters-explainer": (
        "energy",
        "Importers of steel, aluminium, cement and fertiliser must account for the emissions in them.",
    ),
    "customs-mutual-recognition-trusted-traders": (
        "map",
        "Trusted traders certified in one of four countries will clear faster in the other three.",
    ),
    "de-minimis-threshold-small-parcels-explainer": (
        "chart-rise",
        "Cross-border e-commerce is growing, and governments are rethinking the duty-free limit.",
    ),
    "kembang-gateway-remote-controlled-yard-cranes": (
        "yard",
        "One operator in the control room will run four of the new stacking area’s cranes.",
    ),
    "electronic-bills-of-lading-gain-ground": (
        "chart-rise",
        "One exporter in five now uses an electronic bill of lading, up from one in twenty.",
    ),
    "port-system-outage-tanjung-selasih": (
        "yard",
        "About 600 import containers could not be released while the port community system was down.",
    ),
    "startup-hydrogen-fuel-cell-harbour-tugs": (
        "energy",
        "Port operators want to see how hydrogen tugs would be refuelled before they sign up.",
    ),
    "tanjung-selasih-ai-berth-planning-trial": (
        "port",
        "The harbour board hopes better arrival forecasts will shorten the time ships spend at anchor.",
    ),
    "jadeport-open-vessel-arrival-feed": (
        "map",
        "The feed will publish predicted arrival times for ships at five regional ports.",
    ),
}
