-- Inbox (colony platform): message ids a consumer has applied, written in the same transaction as the
-- effect, so a redelivered message is recognised and skipped.
create table colony_inbox (
    consumer    text        not null,
    message_id  uuid        not null,
    received_at timestamptz not null default now(),
    primary key (consumer, message_id)
);

create index colony_inbox_received on colony_inbox (received_at);
