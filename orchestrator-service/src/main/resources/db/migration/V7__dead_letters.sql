-- Dead letters kept by the orchestrator's dead-letter keeper (package deadletter): every message that reached a
-- <queue>.dlq, with why, whose and what, until an operator replays or discards it.
create table dead_letters (
    id                     uuid        primary key,
    queue                  text        not null,              -- the work queue it died in (not the .dlq)
    message_id             text        not null,              -- the AMQP message id; sha256 of the body when it had none
    original_exchange      text,                              -- where it was first published (x-death), when known
    original_routing_key   text,
    message_type           text,
    tenant                 text,
    job_id                 uuid,
    reason                 text        not null,
    deliveries             integer     not null,
    times_dead_lettered    integer     not null default 1,
    first_dead_lettered_at timestamptz not null,
    last_dead_lettered_at  timestamptz not null,
    properties             jsonb       not null,              -- content type, encoding, correlation id, priority, timestamp
    headers                jsonb       not null,
    body                   bytea,                             -- null when the body was over the size cap
    body_size              integer     not null,
    status                 text        not null default 'OPEN' check (status in ('OPEN', 'REPLAYED', 'DISCARDED')),
    discard_reason         text,
    resolved_by            text,
    resolved_at            timestamptz,
    replays                integer     not null default 0,
    stored_at              timestamptz not null default now(),
    constraint dead_letters_queue_message unique (queue, message_id)
);

create index dead_letters_newest on dead_letters (last_dead_lettered_at desc);
create index dead_letters_open on dead_letters (queue) where status = 'OPEN';
create index dead_letters_job on dead_letters (job_id) where job_id is not null;
