-- Transactional outbox (colony platform). A row is written in the same transaction as the state change
-- that implies the message, and marked sent only after the broker confirmed it.
create table colony_outbox (
    id            bigserial primary key,
    message_id    uuid        not null,
    exchange      text        not null,
    routing_key   text        not null,
    message_type  text        not null,
    payload       bytea       not null,
    tenant        text,
    priority      smallint,
    trace_headers jsonb       not null default '{}'::jsonb,
    created_at    timestamptz not null default now(),
    available_at  timestamptz not null default now(),
    sent_at       timestamptz
);

create index colony_outbox_pending on colony_outbox (available_at, id) where sent_at is null;
create index colony_outbox_sent on colony_outbox (sent_at) where sent_at is not null;
