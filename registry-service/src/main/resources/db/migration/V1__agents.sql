-- One row per live (or recently expired, not yet swept) agent instance.
-- sent_at is the worker's clock and orders heartbeats of one agent; last_seen and expires_at are the
-- registry's clock, so expiry never depends on a worker's clock being right.
create table agents (
    agent_id      varchar(200) primary key,
    instance      text,
    agent_types   jsonb        not null,
    capacity      integer      not null check (capacity >= 0),
    in_flight     integer      not null check (in_flight >= 0),
    version       text,
    registered_at timestamptz  not null,
    sent_at       timestamptz  not null,
    last_seen     timestamptz  not null,
    expires_at    timestamptz  not null
);

create index agents_expires_at on agents (expires_at);

-- containment queries (agent_types @> '[{"capability": "..."}]') for the type and capability filters
create index agents_agent_types on agents using gin (agent_types jsonb_path_ops);
