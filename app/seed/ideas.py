"""Demo boards for `flask seed-demo`: a living ideas exchange in the two demo organisations.

Everything goes through the real services (submit_idea, cast_vote, post_comment, change_status,
merge_ideas, flag), so counters, budgets, timelines and notifications are what they would be after
months of use; each is given a `now` in the past. Running it again adds nothing: boards are
found by slug, ideas by title, and an idea that exists is left as it is.

The story is data (BOARDS below); the code underneath only plays it back.
"""

from __future__ import annotations

import logging
import random
import textwrap
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from app import audit
from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.orgs.models import Organisation
from ideas import counters
from ideas.models import Board, BoardMember, Comment, Idea, Status, Vote
from ideas.moderation.services import flag
from ideas.services.boards import create_board, invite_customer
from ideas.services.comments import accept_comment, post_comment
from ideas.services.ideas import IdeaInput, submit_idea
from ideas.services.merging import merge_ideas
from ideas.services.statuses import change_status
from ideas.statements import board_by_slugs
from voting.services import cast_vote, remaining_votes


def md(text: str) -> str:
    return textwrap.dedent(text).strip()


@dataclass
class C:
    """A comment `ago` days ago, with replies (one level deep, like the app)."""

    by: str
    ago: float
    body: str
    replies: tuple[C, ...] = ()
    accepted: bool = False  # the product manager marks it as the accepted answer
    flagged_by: str | None = None  # a member reports it as spam: it waits in the moderation queue


@dataclass
class S:
    """A status change (or, with the same status, an official response) `ago` days ago."""

    status: str
    ago: float
    message: str = ""
    release_note: str = ""


@dataclass
class I:  # noqa: E742  (one letter keeps the seed's long tables of ideas readable)
    title: str
    by: str
    ago: float  # days since it was posted
    body: str
    category: str | None = None
    tags: tuple[str, ...] = ()
    up: int = 0  # up-votes (the author's own included when the author may vote)
    down: int = 0
    recent: int = 0  # of the up-votes, how many arrived in the last two days (Trending)
    comments: tuple[C, ...] = ()
    statuses: tuple[S, ...] = ()
    duplicate_of: str | None = None  # the title of the idea this one is merged into
    merged_ago: float = 0.0


@dataclass
class B:
    org: str
    slug: str
    name: str
    pm: str
    ago: float
    description: str
    voters: tuple[str, ...]  # who votes on this board
    ideas: tuple[I, ...]
    is_private: bool = False
    allow_downvotes: bool = False
    vote_budget: int | None = None
    categories: tuple[str, ...] = ()
    invite: tuple[str, ...] = ()  # customers invited to a private board


ACME_VOTERS = (
    "hannah",
    "tom",
    "aisha",
    "diego",
    "yuki",
    "olivia",
    "marcus",
    "sofia",
    "ben",
    "fatima",
    "nina",
    "raj",
    "emma",
    "rachel",
    "victor",
    "carlos",
    "sam",
)
NORTHWIND_VOTERS = (
    "kofi",
    "anna",
    "liam",
    "grace",
    "pedro",
    "ingrid",
    "omar",
    "zoe",
    "daniel",
    "rachel",
    "victor",
    "lena",
    "sam",
)

DASHBOARD_IDEAS = (
    I(
        "Schedule dashboard PDFs by email every Monday",
        "hannah",
        262,
        md("""
        Our regional managers don't log in; they read email. Today I export each dashboard by hand
        every Monday morning and attach it to a message.

        What I'd love:

        - pick a dashboard and a **schedule** (daily, weekly, first working day of the month)
        - a list of recipients, including people *without* an Acme seat
        - the PDF uses the filters saved with the dashboard

        This alone would save me about two hours a week.
        """),
        "Reporting",
        ("pdf", "email", "scheduling"),
        up=16,
        comments=(
            C("tom", 260, "Same here. We screenshot the sales dashboard into a slide every week, which is silly."),
            C(
                "marcus",
                251,
                "Please let us choose the **time zone** of the schedule. Our stores span three.",
                replies=(C("priya", 249, "Noted, time zone per schedule is part of the design."),),
            ),
            C(
                "hannah",
                20,
                "Been using it for two weeks now. The recipients list is exactly what I wanted, thank you!",
            ),
        ),
        statuses=(
            S(
                Status.UNDER_REVIEW,
                248,
                "Thanks Hannah, this is one of the most requested features this quarter. "
                "We're talking to a few of you about how schedules should work.",
            ),
            S(
                Status.PLANNED,
                190,
                "Planned for the spring release. Schedules will be per dashboard, with a time "
                "zone, and recipients do not need an account.",
            ),
            S(Status.IN_PROGRESS, 95, "In development. Beta customers can switch it on under *Settings → Labs*."),
            S(
                Status.DELIVERED,
                34,
                "Shipped to everyone today.",
                md("""
            **Scheduled reports are here.** Open any dashboard, choose *Share → Schedule* and pick:

            - daily, weekly or monthly, in the time zone of your choice
            - recipients inside or outside your workspace
            - PDF or PNG, with the dashboard's saved filters

            Schedules run on our side, so nobody needs to keep a laptop open.
            """),
            ),
        ),
    ),
    I(
        "Native Snowflake connector",
        "aisha",
        201,
        md("""
        We moved our warehouse to Snowflake last year. Right now we run a nightly job that copies
        tables into Postgres just so Acme can read them.

        A native connector should support:

        1. key-pair authentication (no passwords in a shared config)
        2. choosing the **warehouse and role** per data source
        3. query pushdown, so we don't pay to move data twice

        Happy to test a beta.
        """),
        "Integrations",
        ("snowflake", "connector", "warehouse"),
        up=15,
        recent=3,
        comments=(
            C("diego", 199, "+1. The copy job is our most fragile piece of infrastructure."),
            C(
                "jonas",
                120,
                md("""
            Engineering note: we'll use the official driver and push filters and aggregations down
            as SQL. Joins across two data sources will still run on our side.
            """),
            ),
            C("raj", 1.5, "Any date for the beta? We're renewing our Snowflake contract next month."),
        ),
        statuses=(
            S(Status.UNDER_REVIEW, 190, "Thanks Aisha. We're measuring how many of you are on Snowflake."),
            S(Status.PLANNED, 130, "Planned. Key-pair auth and per-source warehouse and role are in scope."),
            S(Status.IN_PROGRESS, 40, "We're building it now; a private beta opens in a few weeks."),
        ),
    ),
    I(
        "Dark mode for dashboards",
        "yuki",
        176,
        md("""
        I look at dashboards late in the evening and the white background is blinding.

        - a dark theme that follows the operating system setting
        - charts keep readable colours (no dark blue on black)
        """),
        None,
        ("dark-mode", "accessibility"),
        up=14,
        down=1,
        comments=(
            C("olivia", 170, "Please also check contrast for colour-blind users while you're at it."),
            C(
                "ben",
                150,
                "Honestly I'd rather have faster load times first.",
                replies=(
                    C("yuki", 149, "Fair, but this one is mostly CSS, isn't it?"),
                    C("jonas", 147, "It is more than CSS: every chart palette needs a dark variant. Still not huge."),
                ),
            ),
        ),
        statuses=(
            S(
                Status.PLANNED,
                60,
                "Planned for the summer. Dark mode will follow your system setting, and we "
                "are reworking chart palettes for contrast at the same time.",
            ),
        ),
    ),
    I(
        "Night theme for the wall-mounted TV screens",
        "emma",
        92,
        md("""
        We show the live sales dashboard on a TV in the shop floor office. At night it lights up
        the whole room. A **dark theme for TV mode** would fix it.
        """),
        None,
        ("tv-mode", "dark-mode"),
        up=5,
        comments=(C("sofia", 90, "We have the same TV setup in our warehouse. Dark would be much nicer."),),
        duplicate_of="Dark mode for dashboards",
        merged_ago=58,
    ),
    I(
        "Dashboards with 50+ widgets take 20 seconds to load",
        "ben",
        150,
        md("""
        Our store operations dashboard has 54 widgets. It takes **18–25 seconds** to load, every time,
        even when nothing has changed.

        Steps to see it:

        1. open a dashboard with many widgets
        2. watch the network tab: each widget waits for the previous one

        Loading widgets in parallel, and only those that are on screen, would help a lot.
        """),
        "Performance",
        ("performance", "loading"),
        up=13,
        recent=2,
        comments=(
            C("fatima", 148, "Confirmed on our side, 40 widgets and around 15 seconds."),
            C(
                "jonas",
                100,
                md("""
            Thanks for the detailed report. The widgets are indeed queued one after another. We're
            moving to parallel loading with a limit of six queries per dashboard, and lazy loading
            for widgets below the fold.
            """),
                replies=(C("ben", 99, "Sounds great. Happy to try it on our big one."),),
            ),
        ),
        statuses=(
            S(Status.UNDER_REVIEW, 140, "Thanks Ben, we can reproduce this and are looking at it."),
            S(Status.IN_PROGRESS, 30, "Parallel and lazy widget loading is being built now."),
        ),
    ),
    I(
        "Slack alerts when a KPI crosses a threshold",
        "marcus",
        230,
        md("""
        I want a message in our `#store-ops` channel when, for example, **conversion drops below 2 %**
        or returns go above 8 % for any store.

        - threshold per metric, above or below
        - checked every hour
        - one message per breach, not one per hour
        """),
        "Integrations",
        ("slack", "alerts"),
        up=12,
        comments=(
            C("nina", 228, "Microsoft Teams too, please."),
            C(
                "sofia",
                226,
                "Could the alert include a small chart of the last 24 hours?",
                replies=(C("marcus", 225, "Yes! That would make it actionable straight from Slack."),),
            ),
        ),
        statuses=(
            S(Status.PLANNED, 200, "Planned. Slack first, Teams soon after."),
            S(Status.IN_PROGRESS, 150, "In development."),
            S(
                Status.DELIVERED,
                110,
                "Alerts are live for every plan.",
                md("""
            **KPI alerts** send a message to Slack when a metric crosses a threshold you choose.

            - conditions *above* or *below*, checked hourly
            - one message per breach, and another when it recovers
            - each alert shows a small chart of the last 24 hours
            """),
            ),
            S(Status.DELIVERED, 80, "Microsoft Teams is now supported as well, from the same alert settings."),
        ),
    ),
    I(
        "Drill down from a chart to the rows behind it",
        "tom",
        140,
        md("""
        When a bar looks odd, I want to **click it and see the transactions** that make it up,
        with the same filters applied. Today I rebuild the query in a table widget by hand.
        """),
        "Reporting",
        ("drill-down", "charts"),
        up=11,
        comments=(
            C("carlos", 138, "This is the one thing our analysts ask me for every week."),
            C("yuki", 120, "An export of that detail view to CSV would be a bonus."),
        ),
        statuses=(
            S(Status.UNDER_REVIEW, 130, ""),
            S(Status.PLANNED, 45, "Planned for after the widget loading work, since drill-down depends on it."),
        ),
    ),
    I(
        "Share a public dashboard link without a login",
        "diego",
        185,
        md("""
        Some of our suppliers need to see a sell-through dashboard. Giving them accounts is a
        hassle. A **public link** (maybe with an expiry date) would be perfect.
        """),
        "Reporting",
        ("sharing", "security"),
        up=9,
        down=4,
        comments=(
            C(
                "fatima",
                183,
                "Please no. Our security team would block the whole product if this existed.",
                replies=(
                    C("diego", 182, "It could be off by default, with an admin switch."),
                    C("rachel", 181, "Even off by default it shows up in every security questionnaire we fill in."),
                ),
            ),
            C("victor", 170, "What about free viewer accounts for external people instead?"),
        ),
        statuses=(
            S(Status.UNDER_REVIEW, 175, "We hear you, and we hear the security concerns too."),
            S(
                Status.DECLINED,
                120,
                md("""
            We've decided not to build anonymous public links: the data on Acme dashboards is too
            often sensitive, and many of you told us a switch like this is a problem in security
            reviews.

            Instead, **viewer seats are now free and unlimited**: invite your suppliers as viewers
            and they'll only see the dashboards you share with them.
            """),
            ),
        ),
    ),
    I(
        "Export to Google Sheets",
        "olivia",
        300,
        md("""
        Our finance team lives in Google Sheets. An **Export → Google Sheets** button on table
        widgets that keeps refreshing once a day would save us a lot of copy and paste.
        """),
        "Integrations",
        ("google-sheets", "export"),
        up=10,
        comments=(C("hannah", 298, "Would love a daily refresh rather than a one-off export."),),
        statuses=(
            S(Status.PLANNED, 280, "Planned."),
            S(
                Status.DELIVERED,
                210,
                "Delivered in the winter release.",
                md("""
            **Google Sheets export.** Table widgets have a new *Export → Google Sheets* action. Pick
            a spreadsheet, and Acme refreshes the sheet every morning at 6:00 in your time zone.
            """),
            ),
        ),
    ),
    I(
        "Custom fiscal calendar (4-4-5 weeks)",
        "carlos",
        160,
        md("""
        Retail reports by **fiscal weeks**, not calendar months. Our year starts on the Sunday
        closest to 1 February and uses a 4-4-5 pattern.

        Needed:

        - define the calendar once per workspace
        - filters like *this fiscal month* and *same week last year*
        - a 53rd week every few years
        """),
        "Reporting",
        ("calendar", "retail"),
        up=12,
        comments=(
            C(
                "emma",
                158,
                md("""
            You can get part of the way today: upload your calendar as a table, join it on
            `order_date` and group by `fiscal_week`. Filters like *this fiscal month* still
            don't work, though.
            """),
                accepted=True,
            ),
            C("carlos", 157, "That's a decent workaround for now, thanks Emma."),
            C("priya", 100, "We're talking to several retailers about this. A 4-5-4 option will be in too."),
        ),
        statuses=(
            S(Status.UNDER_REVIEW, 150, "Thanks Carlos, until then Emma's workaround is the best way."),
            S(Status.PLANNED, 70, "Planned: 4-4-5, 4-5-4 and 5-4-4 calendars, with 53-week years."),
        ),
    ),
    I(
        "Year-over-year comparison aligned by weekday",
        "raj",
        24,
        md("""
        Comparing *Saturday 14 June* with *Friday 14 June last year* makes no sense in retail.
        Comparisons should line up **the same weekday of the same fiscal week**.

        Example: `vs_last_year(sales, align="weekday")`
        """),
        "Reporting",
        ("comparison", "retail"),
        up=10,
        recent=7,
        comments=(
            C("nina", 3, "Yes. Our Saturday sales are three times a Tuesday; the current YoY chart is useless."),
            C(
                "aisha",
                2,
                "Bank holidays should be handled too, but weekday alignment is the big one.",
                replies=(C("raj", 1.8, "Agreed, holidays could be a second step."),),
            ),
            C("hannah", 1.2, "Adding my vote, this keeps coming up in our Monday review."),
        ),
        statuses=(
            S(
                Status.UNDER_REVIEW,
                1.0,
                "This is picking up a lot of votes very quickly; we're reviewing it "
                "together with the fiscal calendar work.",
            ),
        ),
    ),
    I(
        "Push notification with yesterday's sales summary",
        "sofia",
        66,
        md("""
        Every morning at 7:30 I'd like a **push notification** on my phone: yesterday's revenue,
        vs. plan and vs. last year. Tapping it opens the dashboard.
        """),
        "Mobile",
        ("mobile", "notifications"),
        up=6,
        comments=(C("marcus", 60, "Make the time configurable, please. Some of us start at 6."),),
    ),
    I(
        "Home-screen widget for today's revenue",
        "olivia",
        2.5,
        md("""
        An iOS and Android **home-screen widget** showing one number (today's revenue so far) and a
        small sparkline. Store managers would check it forty times a day.
        """),
        "Mobile",
        ("mobile", "widget"),
        up=7,
        recent=6,
        comments=(C("yuki", 1.1, "Please let us pick the metric, not just revenue."),),
    ),
    I(
        "Cache query results for a few minutes across viewers",
        "fatima",
        250,
        md("""
        When thirty store managers open the same dashboard at 9:00, the warehouse runs the same
        queries thirty times. A shared cache for **5 minutes** would make it fast and cheaper.
        """),
        "Performance",
        ("performance", "caching"),
        up=8,
        comments=(
            C(
                "jonas",
                240,
                "Good idea. We'll cache per query and per set of row-level permissions, so nobody "
                "sees another person's data.",
            ),
        ),
        statuses=(
            S(Status.IN_PROGRESS, 235, "We're building a shared result cache."),
            S(
                Status.DELIVERED,
                205,
                "Delivered.",
                md("""
            **Faster dashboards at busy times.** Identical queries from people with the same
            permissions now share results for up to five minutes. You can change the duration
            per data source, or turn it off, under *Data sources → Caching*.
            """),
            ),
        ),
    ),
    I(
        "Embed dashboards in our intranet with single sign-on",
        "victor",
        110,
        md("""
        We'd like to embed two dashboards in our intranet (SharePoint). Users are already signed in
        there, so they shouldn't see an Acme login inside the frame.
        """),
        "Integrations",
        ("embedding", "sso"),
        up=8,
        comments=(
            C(
                "rachel",
                108,
                md("""
            We do this today: create a **signed embed URL** with the API (`POST /embed-tokens`),
            valid for 10 minutes, and let your intranet page request a fresh one when it loads.
            Users never see the Acme login.
            """),
                accepted=True,
            ),
            C(
                "victor",
                105,
                "Thanks Rachel, that works. A ready-made SharePoint web part would still be nice.",
                replies=(C("priya", 104, "Good to hear! We've noted the web part idea."),),
            ),
        ),
        statuses=(
            S(
                Status.UNDER_REVIEW,
                100,
                "Rachel's answer is the supported way today. We're reviewing a SharePoint web part on top of it.",
            ),
        ),
    ),
    I(
        "Shopify connector",
        "nina",
        125,
        md("""
        Half of our online sales run through Shopify. A connector that syncs **orders, refunds and
        products** every hour would let us see online and in-store together.
        """),
        "Integrations",
        ("shopify", "connector", "e-commerce"),
        up=11,
        comments=(
            C("emma", 120, "Please include discount codes, we analyse promotions a lot."),
            C("tom", 110, "And multiple stores per workspace, we have one per country."),
        ),
        statuses=(
            S(
                Status.PLANNED,
                50,
                "Planned. Orders, refunds, products and discount codes, multiple stores per workspace.",
            ),
        ),
    ),
    I(
        "Annotate charts with events like promotions and holidays",
        "hannah",
        45,
        md("""
        When sales spike, everyone asks *why*. Let us add **annotations** to a date (for example
        "Spring sale starts" or "Easter Monday") that show on every time chart in the workspace.
        """),
        "Reporting",
        ("annotations", "charts"),
        up=9,
        recent=1,
        comments=(
            C("diego", 44, "Could we import them from a calendar file? We have all promotions planned already."),
            C("marcus", 30, "Love it. Store openings and closures would be useful too."),
        ),
    ),
    I(
        "Bring back the old pie charts",
        "tom",
        115,
        md("""
        The new donut charts look nice but our board members preferred the **classic pie chart**
        with labels on the slices. Could we have it back as an option?
        """),
        "Reporting",
        ("charts",),
        up=4,
        down=6,
        comments=(
            C("aisha", 114, "Respectfully, pie charts hide more than they show. A bar chart is usually better."),
            C("tom", 113, "I know, I know. But my board likes them."),
        ),
        statuses=(
            S(
                Status.DECLINED,
                90,
                md("""
            We're not going to bring the old pie chart back. The donut has the same information and
            reads better on small screens. You can turn on **labels on slices** in the chart's
            *Style* panel, which was the main thing people missed.
            """),
            ),
        ),
    ),
    I(
        "Keyboard shortcuts in the dashboard editor",
        "sam",
        38,
        md("""
        Power users build dashboards all day. Some shortcuts:

        - `Ctrl+D` duplicate widget
        - arrow keys to nudge a widget
        - `?` to show all shortcuts
        """),
        None,
        ("editor", "accessibility"),
        up=4,
    ),
    I(
        "Conditional formatting in tables",
        "emma",
        170,
        md("""
        In table widgets, colour cells by rules, for example **red below target, green above**.
        It's the most common reason our team still exports to Excel.
        """),
        "Reporting",
        ("tables", "formatting"),
        up=10,
        comments=(C("sofia", 165, "Icons (arrows up and down) would be great too."),),
        statuses=(
            S(Status.PLANNED, 120, "Planned."),
            S(Status.IN_PROGRESS, 15, "In development: colour scales, rules and arrow icons."),
        ),
    ),
    I(
        "Excel export keeps number formats",
        "ben",
        0.6,
        md("""
        When I export a table to Excel, percentages arrive as `0.153` and currencies lose their
        symbol. Please keep the formats from the widget.
        """),
        "Integrations",
        ("excel", "export"),
        up=3,
        recent=3,
    ),
    I(
        "Don't reload every widget when I change one filter",
        "fatima",
        75,
        md("""
        Changing the *Region* filter reloads all widgets, even those that don't use the region.
        Only reload what depends on the filter.
        """),
        "Performance",
        ("performance", "filters"),
        up=7,
        recent=2,
        comments=(C("ben", 70, "Together with parallel loading this would make our big dashboards usable."),),
    ),
    I(
        "Pinch to zoom on charts in the mobile app",
        "yuki",
        12,
        md("""
        On a phone, a 90-day line chart is too dense. **Pinch to zoom** into a date range, like in
        the photo app, would be natural.
        """),
        "Mobile",
        ("mobile", "charts"),
        up=5,
        down=1,
        recent=2,
    ),
    I(
        "Offline mode for the mobile app",
        "marcus",
        55,
        md("""
        Our area managers drive between stores with poor coverage. Keep the **last loaded version**
        of favourite dashboards on the phone, clearly marked with the time it was loaded.
        """),
        "Mobile",
        ("mobile", "offline"),
        up=8,
        comments=(C("olivia", 50, "Read-only offline is enough for us."),),
        statuses=(S(Status.UNDER_REVIEW, 20, "We're exploring a read-only offline mode for favourite dashboards."),),
    ),
    I(
        "Comments on dashboard widgets",
        "aisha",
        8,
        md("""
        Let us discuss a number **right where it is**: a comment thread on each widget, with
        mentions, instead of screenshots in chat.
        """),
        None,
        ("collaboration",),
        up=4,
        recent=1,
        comments=(
            C("raj", 7, "We'd use this every day. Mentions should send an email."),
            C(
                "kevin",
                6,
                md("""
            Check out our new consulting package: we set up dashboards, comments and training for
            your whole team in a week. Message me for a 30 % discount, limited places!
            """),
                flagged_by="raj",
            ),
        ),
    ),
)

ENTERPRISE_IDEAS = (
    I(
        "SAML single sign-on with Okta groups mapped to roles",
        "carlos",
        140,
        md("""
        We need SAML SSO with Okta, and **Okta groups mapped to Acme roles** so that joiners and
        leavers are handled in one place.
        """),
        "Security",
        ("sso", "okta"),
        up=2,
        comments=(C("jonas", 130, "We're planning SCIM after this, so user provisioning follows too."),),
        statuses=(
            S(Status.PLANNED, 120, "Planned for this year."),
            S(Status.IN_PROGRESS, 25, "In development; Carlos, we'll contact you for a test with your Okta tenant."),
        ),
    ),
    I(
        "Stream the audit log to our SIEM",
        "carlos",
        95,
        md("""
        Our security team wants every sign-in, export and permission change in **Splunk**.
        A syslog or HTTPS stream in JSON would be perfect.
        """),
        "Security",
        ("audit", "siem"),
        up=2,
        statuses=(S(Status.PLANNED, 60, "Planned, starting with an HTTPS stream in JSON."),),
    ),
    I(
        "Row-level security by store region",
        "carlos",
        70,
        md("""
        Area managers should only see the stores in their region. Today we build a copy of each
        dashboard per region, which is 14 copies of everything.
        """),
        "Security",
        ("permissions", "row-level-security"),
        up=2,
        comments=(C("priya", 40, "Thanks Carlos, this came up in our last quarterly review as well."),),
        statuses=(S(Status.UNDER_REVIEW, 40, "We're reviewing how rules per region would be defined."),),
    ),
    I(
        "Host our workspace in the EU region",
        "carlos",
        210,
        md("""
        For GDPR reasons our legal team needs the data stored in the EU, including backups.
        """),
        "Administration",
        ("gdpr", "data-residency"),
        up=2,
        statuses=(
            S(Status.IN_PROGRESS, 190, "We're opening an EU region in Frankfurt."),
            S(
                Status.DELIVERED,
                150,
                "Your workspace has been moved.",
                md("""
            **EU data residency.** Workspaces can now be hosted in Frankfurt, with backups in the EU.
            Contact your account manager to move an existing workspace.
            """),
            ),
        ),
    ),
    I(
        "Provision users automatically with SCIM",
        "carlos",
        18,
        md("""
        When someone leaves the company their Acme account should be deactivated the same day,
        automatically, through **SCIM 2.0**.
        """),
        "Administration",
        ("scim", "provisioning"),
        up=1,
    ),
)

ROUTE_IDEAS = (
    I(
        "Avoid low bridges and weight limits for heavy trucks",
        "kofi",
        190,
        md("""
        Last month one of our 4-metre trucks was routed under a **3.6 m bridge**. The driver caught
        it, but it cost us an hour.

        Routing should know each vehicle's:

        - height and width
        - total weight and axle load
        - hazardous goods class
        """),
        "Routing",
        ("trucks", "restrictions", "safety"),
        up=9,
        comments=(
            C("liam", 188, "This is a safety issue, not just a nice-to-have."),
            C("mei", 150, "We're licensing a truck-attribute map layer for this. More soon."),
        ),
        statuses=(
            S(Status.UNDER_REVIEW, 170, "Thanks Kofi, this is at the top of our list."),
            S(Status.PLANNED, 120, "Planned: vehicle profiles with height, width, weight, axle load and hazmat class."),
        ),
    ),
    I(
        "Truck height restrictions in route calculation",
        "pedro",
        40,
        md("""
        Please take **vehicle height** into account. Our drivers keep getting routes under bridges
        they can't pass.
        """),
        "Routing",
        ("trucks", "bridges"),
        up=5,
        comments=(C("ingrid", 39, "Happened to us twice this month."),),
        duplicate_of="Avoid low bridges and weight limits for heavy trucks",
        merged_ago=2,
    ),
    I(
        "Delivery time windows per stop",
        "anna",
        320,
        md("""
        Many of our customers only accept deliveries **between 9:00 and 11:00**. The optimiser
        should respect a time window per stop, and tell us when a route can't meet them all.
        """),
        "Routing",
        ("time-windows", "optimisation"),
        up=10,
        comments=(
            C("omar", 318, "Multiple windows per stop too, e.g. morning or late afternoon."),
            C("anna", 150, "Working well for us. Our late deliveries went from 9 % to 2 %."),
        ),
        statuses=(
            S(Status.PLANNED, 300, "Planned."),
            S(Status.IN_PROGRESS, 250, "In development."),
            S(
                Status.DELIVERED,
                200,
                "Delivered.",
                md("""
            **Time windows.** Each stop can have up to two delivery windows. The optimiser respects
            them and lists the stops it could not fit, with the reason.
            """),
            ),
        ),
    ),
    I(
        "Re-optimise the route when a stop is cancelled during the day",
        "grace",
        100,
        md("""
        When a customer cancels at 11:00, the driver still follows the morning plan. A **one-click
        re-optimisation** of the remaining stops would save kilometres every day.
        """),
        "Routing",
        ("optimisation", "live"),
        up=8,
        recent=2,
        comments=(C("daniel", 95, "And push the new order to the driver's phone automatically, please."),),
        statuses=(
            S(Status.PLANNED, 60, "Planned."),
            S(Status.IN_PROGRESS, 10, "In development; the driver app will show the new order with a notice."),
        ),
    ),
    I(
        "Photo as proof of delivery",
        "liam",
        260,
        md("""
        Drivers should take a **photo of the parcel at the door**, stored with the stop and shown
        to our customer service when someone says it never arrived.
        """),
        "Drivers app",
        ("proof-of-delivery", "photos"),
        up=9,
        comments=(C("zoe", 258, "With a timestamp and GPS position, please."),),
        statuses=(
            S(Status.PLANNED, 240, "Planned."),
            S(
                Status.DELIVERED,
                170,
                "Delivered in version 5.2 of the drivers app.",
                md("""
            **Photo proof of delivery.** Drivers can take up to three photos per stop. Each photo is
            stored with the time and GPS position and appears on the stop in the dispatcher view.
            """),
            ),
        ),
    ),
    I(
        "Offline maps in the drivers app",
        "ingrid",
        80,
        md("""
        Our rural routes have long stretches without signal. The app should **download the maps
        for the day's route** in the morning over the depot Wi-Fi.
        """),
        "Drivers app",
        ("offline", "maps"),
        up=7,
        comments=(C("pedro", 78, "Yes, and keep working when the connection drops mid-stop."),),
        statuses=(S(Status.UNDER_REVIEW, 30, "We're reviewing map-download sizes with our map provider."),),
    ),
    I(
        "Driving time and break rules (EU 561/2006)",
        "omar",
        130,
        md("""
        Routes longer than 4.5 hours of driving must include a **45-minute break**. The planner
        should insert breaks and respect the daily and weekly limits, so our planners don't have to
        check by hand.
        """),
        "Routing",
        ("compliance", "breaks"),
        up=8,
        comments=(
            C(
                "lena",
                128,
                md("""
            Modelling tip: treat the break as a stop with a time window relative to the driving
            time, not to the clock. That keeps the optimiser fast.
            """),
            ),
        ),
        statuses=(S(Status.PLANNED, 45, "Planned, with EU rules first and the UK rules after."),),
    ),
    I(
        "Text customers their delivery ETA",
        "zoe",
        150,
        md("""
        Send the customer an **SMS in the morning** with a two-hour window, and another 30
        minutes before arrival. Fewer failed deliveries, fewer calls to us.
        """),
        "Integrations",
        ("sms", "eta", "customers"),
        up=9,
        comments=(C("grace", 145, "Email as an alternative for business customers."),),
        statuses=(
            S(Status.PLANNED, 100, "Planned."),
            S(Status.IN_PROGRESS, 20, "In development, SMS and email."),
        ),
    ),
    I(
        "Import stops from CSV with flexible columns",
        "daniel",
        280,
        md("""
        Each of our customers sends orders as a CSV with different column names. Let us **map
        columns once** (for example `Postcode` → `zip`) and save that mapping per customer.
        """),
        "Integrations",
        ("csv", "import"),
        up=7,
        statuses=(
            S(Status.IN_PROGRESS, 260, "In development."),
            S(
                Status.DELIVERED,
                230,
                "Delivered.",
                md("""
            **Flexible CSV import.** Map columns once, save the mapping under a name, and reuse it
            for every file from the same customer.
            """),
            ),
        ),
    ),
    I(
        "Integration with SAP Transportation Management",
        "victor",
        160,
        md("""
        We plan transport in **SAP TM**. A certified integration would avoid our current
        middleware.
        """),
        "Integrations",
        ("sap",),
        up=3,
        comments=(C("rachel", 150, "We connected SAP through the REST API ourselves in about two weeks."),),
        statuses=(
            S(
                Status.DECLINED,
                90,
                md("""
            We won't build a certified SAP TM integration ourselves: very few customers use it, and
            the REST API covers what it would do. Our partner *Bluebridge* offers a ready-made
            connector, and Rachel's team showed it can be done in a couple of weeks.
            """),
            ),
        ),
    ),
    I(
        "Night mode for the drivers app",
        "pedro",
        16,
        md("""
        Early morning and winter evening shifts: a bright white screen in the cab is dazzling.
        **Switch to a dark theme automatically** after sunset.
        """),
        "Drivers app",
        ("dark-mode", "safety"),
        up=7,
        recent=5,
        comments=(
            C("kofi", 1.5, "Our drivers have been asking for this since October."),
            C("ingrid", 1.0, "Please keep the map readable in dark mode as well."),
        ),
    ),
    I(
        "Show the loading order for the van",
        "liam",
        60,
        md("""
        The last stop should be loaded first. The app could show the **loading sequence** for the
        morning, based on the route.
        """),
        "Drivers app",
        ("loading", "warehouse"),
        up=5,
    ),
    I(
        "Electric vans: range and charging stops",
        "grace",
        4,
        md("""
        We're adding 20 electric vans. The planner should know each van's **range** (less in
        winter) and plan a charging stop when a route needs one.
        """),
        "Routing",
        ("electric", "ev"),
        up=6,
        recent=4,
        comments=(
            C("lena", 3, "Range depends a lot on payload and temperature, worth modelling both."),
            C(
                "mei",
                2,
                "Thanks Grace, we're looking at this together with vehicle profiles.",
            ),
        ),
    ),
    I(
        "Plan several depots in one run",
        "anna",
        110,
        md("""
        We run four depots with overlapping areas. Planning them **together** would let stops near a
        border go to whichever depot has capacity.
        """),
        "Routing",
        ("multi-depot", "optimisation"),
        up=4,
    ),
    I(
        "Scan parcel barcodes at each stop",
        "omar",
        35,
        md("""
        Drivers should scan each parcel when they deliver it, so we know **which parcel** was
        delivered, not only which stop.
        """),
        "Drivers app",
        ("barcodes", "scanning"),
        up=5,
        comments=(C("zoe", 33, "Camera scanning is fine, no special hardware needed."),),
    ),
    I(
        "Webhook when a route is completed",
        "rachel",
        1.5,
        md("""
        Our billing system should hear about a finished route right away. A webhook with the route
        id and the delivered stops, signed with a shared secret, would be ideal.
        """),
        "Integrations",
        ("webhooks", "api"),
        up=2,
        recent=2,
    ),
    I(
        "Drag a stop from one route to another on the map",
        "kofi",
        70,
        md("""
        Dispatchers often know better than the optimiser. Let us **drag a stop** onto another route
        on the map and recalculate both routes.
        """),
        "Routing",
        ("dispatch", "map"),
        up=6,
        statuses=(S(Status.PLANNED, 25, "Planned."),),
    ),
)

BOARDS = (
    B(
        "acme",
        "acme-dashboards",
        "Acme Dashboards",
        "priya",
        330,
        md("""
        Ideas for Acme's **dashboards, reports and connectors**. Post what you need, vote for what
        matters to you, and follow ideas to hear when they move.

        The product team reads everything and answers the most-voted ideas every week.
        """),
        ACME_VOTERS,
        DASHBOARD_IDEAS,
        allow_downvotes=True,
        categories=("Reporting", "Integrations", "Mobile", "Performance"),
    ),
    B(
        "acme",
        "acme-enterprise",
        "Acme Enterprise",
        "priya",
        230,
        md("""
        A private board for enterprise customers: security, administration and compliance.
        Only invited customers and the Acme team can see it.
        """),
        ("carlos", "jonas"),
        ENTERPRISE_IDEAS,
        is_private=True,
        vote_budget=10,
        categories=("Security", "Administration"),
        invite=("carlos",),
    ),
    B(
        "northwind",
        "route-planner",
        "Route Planner",
        "mei",
        340,
        md("""
        Ideas for Northwind **Route Planner** and the drivers app. Each member has **10 votes**:
        spend them on what matters most. Votes on delivered or declined ideas come back to you.
        """),
        NORTHWIND_VOTERS,
        ROUTE_IDEAS,
        vote_budget=10,
        categories=("Routing", "Drivers app", "Integrations"),
    ),
)


# --- playing the story back -------------------------------------------------------------------


def seed_boards(users: dict[str, User], now: datetime | None = None) -> int:
    """Create the demo boards and everything on them; returns how many records it created.
    `users` are the demo accounts by email; the story names them by the first word of the address."""
    now = now or utcnow()
    people = {email.split("@")[0].split(".")[0]: user for email, user in users.items()}
    _backdate(people.values(), now)
    created = 0
    # A thousand audit lines of invented history would bury the demo logins in the output.
    level = audit.logger.level
    audit.logger.setLevel(logging.WARNING)
    try:
        for spec in BOARDS:
            created += _seed_board(spec, people, now)
    finally:
        audit.logger.setLevel(level)
    return created


def _backdate(users: Iterable[User], now: datetime) -> None:
    """Demo members joined long before their first post (so the new-account spam filter, which
    looks at the age of an account, treats them as the regulars they are)."""
    for index, user in enumerate(sorted(users, key=lambda u: u.id)):
        joined = now - timedelta(days=420 + 9 * index)
        if user.created_at > joined:
            user.created_at = joined
    db.session.commit()


def _at(now: datetime, days_ago: float, key: str = "") -> datetime:
    """`days_ago` before `now`, a little earlier by an amount fixed by `key` (up to eight hours,
    less for recent events), so that not everything happened at the same time of day."""
    spread = min(days_ago * 0.25, 1 / 3) if key else 0.0
    return now - timedelta(days=days_ago + spread * (zlib.crc32(key.encode()) % 1000) / 1000)


def _seed_board(spec: B, people: dict[str, User], now: datetime) -> int:
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == spec.org))
    if organisation is None:
        return 0
    pm = people[spec.pm]
    created = 0
    board = board_by_slugs(spec.org, spec.slug)
    if board is None:
        board = create_board(
            pm,
            organisation,
            spec.name,
            spec.slug,
            spec.description,
            is_private=spec.is_private,
            allow_downvotes=spec.allow_downvotes,
            vote_budget=spec.vote_budget,
            categories=list(spec.categories),
        )
        board.created_at = _at(now, spec.ago, spec.slug)
        db.session.commit()
        created += 1
    for handle in spec.invite:
        email = people[handle].email
        if (
            db.session.scalar(
                select(BoardMember.id).where(BoardMember.board_id == board.id, BoardMember.email == email)
            )
            is None
        ):
            invite_customer(pm, board, email)
            created += 1
    categories = {category.name: category.id for category in board.categories}
    ideas: dict[str, Idea] = {}
    new_ids: list[int] = []
    for idea_spec in spec.ideas:
        idea = db.session.scalar(select(Idea).where(Idea.board_id == board.id, Idea.title == idea_spec.title))
        if idea is None:
            idea, count = _seed_idea(board, idea_spec, pm, people, spec.voters, categories, now)
            new_ids.append(idea.id)
            created += count
        ideas[idea_spec.title] = idea
    for idea_spec in spec.ideas:
        source = ideas[idea_spec.title]
        if idea_spec.duplicate_of and source.id in new_ids and source.status != Status.MERGED:
            merge_ideas(pm, source, ideas[idea_spec.duplicate_of], now=_merged_at(idea_spec, now))
            created += 1
    _settle(new_ids)
    return created


def _seed_idea(
    board: Board,
    spec: I,
    pm: User,
    people: dict[str, User],
    voters: tuple[str, ...],
    categories: dict[str, int],
    now: datetime,
) -> tuple[Idea, int]:
    created_at = _at(now, spec.ago, spec.title)
    idea = submit_idea(
        people[spec.by],
        board,
        IdeaInput(spec.title, spec.body, categories.get(spec.category) if spec.category else None, list(spec.tags)),
        now=created_at,
    )
    count = 1 + _votes(idea, spec, people, voters, now)
    for comment in spec.comments:
        count += _comment(idea, comment, pm, people, now, created_at, spec.title)
    for change in spec.statuses:
        change_status(pm, idea, change.status, change.message, change.release_note, now=_status_at(spec, change, now))
        count += 1
    return idea, count


def _status_at(spec: I, change: S, now: datetime) -> datetime:
    return _at(now, change.ago, f"{spec.title}|{change.status}|{change.ago}")


def _merged_at(spec: I, now: datetime) -> datetime:
    return _at(now, spec.merged_ago, f"{spec.title}|merged")


def _votes(idea: Idea, spec: I, people: dict[str, User], voters: tuple[str, ...], now: datetime) -> int:
    """Up- and down-votes from the board's voters (the author first), at believable times: most
    while the idea was new, `recent` of them in the last two days, none after it closed."""
    rng = random.Random(spec.title)
    created_at = _at(now, spec.ago, spec.title)
    closed = [_status_at(spec, s, now) for s in spec.statuses if s.status in Status.CLOSED]
    if spec.duplicate_of:
        closed.append(_merged_at(spec, now))
    until = min(closed) if closed else now
    others = [h for h in voters if h != spec.by]
    rng.shuffle(others)
    queue = ([spec.by] if spec.by in voters else []) + others
    budget = idea.board.vote_budget is not None
    cast = 0
    wanted = [1] * spec.up + [-1] * spec.down
    for position, value in enumerate(wanted):
        if position == 0 and queue and queue[0] == spec.by and value == 1:
            at = created_at + timedelta(minutes=2)
        elif value == 1 and position >= spec.up - spec.recent:
            at = max(now - timedelta(days=rng.uniform(0.05, 2.0)), created_at + timedelta(minutes=5))
        else:
            at = created_at + (until - created_at) * (0.02 + 0.9 * rng.random() ** 1.7)
        while queue:
            voter = people[queue.pop(0)]
            if not budget or remaining_votes(voter, idea.board) > 0:
                cast_vote(voter, idea, value, now=min(at, until - timedelta(minutes=1)))
                cast += 1
                break
    return cast


def _comment(
    idea: Idea,
    spec: C,
    pm: User,
    people: dict[str, User],
    now: datetime,
    created_at: datetime,
    key: str,
    parent: Comment | None = None,
) -> int:
    at = max(_at(now, spec.ago, f"{key}|{spec.by}|{spec.ago}"), created_at + timedelta(minutes=20))
    comment = post_comment(people[spec.by], idea, spec.body, parent_id=parent.id if parent else None, now=at)
    count = 1
    if spec.accepted:
        accept_comment(pm, comment, now=min(at + timedelta(hours=6), now))
    if spec.flagged_by:
        from app.community.rebuild import rebuild

        # Any member with a confirmed address may report; a report weighs by its reporter's level
        # (shown in the moderators' queue), so the points they have earned so far count first.
        rebuild()
        flag(people[spec.flagged_by], "comment", comment.id, "spam", "Selling consulting in the comments.")
        count += 1
    for reply in spec.replies:
        count += _comment(idea, reply, pm, people, now, at, key, parent=comment)
    return count


def _settle(idea_ids: list[int]) -> None:
    """Counters and rank keys from the tables, and the last activity from what happened (the
    services stamp a comment's activity with the real clock, not the story's)."""
    for idea_id in idea_ids:
        counters.recompute_idea(idea_id)
        last = max(
            filter(
                None,
                (
                    db.session.scalar(select(Idea.created_at).where(Idea.id == idea_id)),
                    db.session.scalar(select(Idea.status_changed_at).where(Idea.id == idea_id)),
                    db.session.scalar(select(func.max(Vote.created_at)).where(Vote.idea_id == idea_id)),
                    db.session.scalar(select(func.max(Comment.created_at)).where(Comment.idea_id == idea_id)),
                ),
            )
        )
        db.session.execute(update(Idea).where(Idea.id == idea_id).values(last_activity_at=last))
    db.session.commit()
