-- Resident agents: one row per (tenant, id), holding everything an agent remembers. The runtime saves a row
-- in the same transaction as the inbox claim of the message it answered and the reply in the outbox; the
-- processed count doubles as the row's version (an update names the count it read, so a stale copy held by a
-- former shard owner can never overwrite a newer memory).
create table agents (
    tenant         text        not null,
    id             text        not null,
    type           text        not null,
    summary        text        not null default '',
    facts          jsonb       not null default '{}'::jsonb,
    turns          jsonb       not null default '[]'::jsonb,
    processed      bigint      not null default 0,
    created_at     timestamptz not null default now(),
    last_active_at timestamptz,
    primary key (tenant, id)
);

create index agents_by_type on agents (tenant, type, id);

-- Messages an agent scheduled to itself. A due timer becomes a ResidentMessageSent in the outbox in the same
-- transaction that moves a repeating timer to its next time or deletes a one-shot one.
create table timers (
    id          uuid        primary key,
    tenant      text        not null,
    agent_id    text        not null,
    fire_at     timestamptz not null,
    content     text        not null,
    every       interval,
    created_at  timestamptz not null default now(),
    foreign key (tenant, agent_id) references agents (tenant, id) on delete cascade
);

create index timers_due on timers (fire_at);
create index timers_by_agent on timers (tenant, agent_id);
