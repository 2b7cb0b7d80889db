"""Demo customer segments for `flask seed-demo`: what each organisation's customers are worth, so
the demand dashboards weigh the seeded votes from the first look. Segments and email-domain
accounts go through the demand services; running it again adds nothing (a segment is found by
its name, a domain by itself).

The story is data (SEGMENTS below): per organisation, segments with their weights, and the
customer companies by email domain with their segment and yearly revenue.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.orgs.models import Organisation
from voting.demand import services as demand

SEGMENTS = {
    "acme": (
        [("Enterprise", 10), ("Mid-market", 4), ("Self-serve", 1)],
        [
            # email domain, segment, yearly revenue (whole dollars)
            ("retail.example.com", "Enterprise", 620_000),
            ("brightmart.example.com", "Enterprise", 480_000),
            ("homegoods.example.com", "Enterprise", 350_000),
            ("freshco.example.com", "Mid-market", 140_000),
            ("wholesale.example.com", "Mid-market", 120_000),
            ("pixelpharmacy.example.com", "Mid-market", 95_000),
            ("urbanthreads.example.com", "Self-serve", 24_000),
            ("greengrocer.example.com", "Self-serve", 18_000),
            ("nordicsport.example.com", "Self-serve", 12_000),
        ],
    ),
    "northwind": (
        [("Enterprise", 8), ("Mid-market", 3), ("Self-serve", 1)],
        [
            ("wholesale.example.com", "Enterprise", 900_000),
            ("coastalhaul.example.com", "Enterprise", 420_000),
            ("swiftfreight.example.com", "Mid-market", 150_000),
            ("cargolink.example.com", "Mid-market", 110_000),
            ("metrocourier.example.com", "Self-serve", 30_000),
            ("lastmile.example.com", "Self-serve", 25_000),
        ],
    ),
}


def seed_segments() -> int:
    """Create the demo segments and domain accounts; returns how many records it created."""
    created = 0
    for slug, (segments, domains) in SEGMENTS.items():
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if organisation is None:
            continue
        owner = next(m.user for m in organisation.memberships if m.is_admin)
        ids = {s.name: s.id for s in demand.segments_of(organisation)}
        for name, weight in segments:
            if name not in ids:
                ids[name] = demand.create_segment(owner, organisation, name, weight).id
                created += 1
        mapped = {d.domain for d in demand.domains_of(organisation)}
        for domain, segment, revenue in domains:
            if domain not in mapped:
                demand.map_domain(owner, organisation, domain, ids[segment], revenue)
                created += 1
    return created
