-- Credential requests: one row per requestId the agent made up; only a PENDING row changes, and only once.
-- fingerprint = sha256 of the request's canonical content without nonce and signedAt, so that a retry is told
-- from a different request reusing the id. max_ttl_ms / max_lifetime_ms are the policy's limits for the requested
-- scope, fixed when it was requested (an approver may only narrow within them). Durations are milliseconds.
create table credential_requests (
    request_id      uuid         primary key,
    tenant          varchar(200) not null,
    agent_id        varchar(200) not null,
    job_id          uuid         not null,
    task_id         uuid         not null,
    resource        varchar(200) not null,
    scope           text[]       not null,
    asked_ttl_ms    bigint       not null,
    justification   text,
    fingerprint     char(64)     not null,
    status          varchar(16)  not null check (status in ('PENDING', 'GRANTED', 'DENIED', 'TIMED_OUT')),
    requested_at    timestamptz  not null,
    times_out_at    timestamptz,
    max_ttl_ms      bigint,
    max_lifetime_ms bigint,
    decided_at      timestamptz,
    decided_by      varchar(300),
    reason          text,
    granted_scope   text[],
    lease_id        uuid
);

create index credential_requests_tenant on credential_requests (tenant, requested_at desc);
create index credential_requests_pending on credential_requests (times_out_at) where status = 'PENDING';

-- Leases: what a granted request hands out. expires_at is the expiry of the latest token (moved on by renewals,
-- never past max_expires_at); ended_at/ended_by/reason say when, by whom and why it was revoked or expired.
-- Tokens themselves are never stored.
create table credential_leases (
    lease_id       uuid         primary key,
    request_id     uuid         not null unique references credential_requests (request_id),
    tenant         varchar(200) not null,
    agent_id       varchar(200) not null,
    task_id        uuid,
    resource       varchar(200) not null,
    scope          text[]       not null,
    ttl_ms         bigint       not null,
    issued_at      timestamptz  not null,
    expires_at     timestamptz  not null,
    max_expires_at timestamptz  not null,
    status         varchar(16)  not null check (status in ('ACTIVE', 'EXPIRED', 'REVOKED')),
    ended_at       timestamptz,
    ended_by       varchar(300),
    reason         text,
    check (expires_at <= max_expires_at)
);

create index credential_leases_tenant on credential_leases (tenant, issued_at desc);
create index credential_leases_active on credential_leases (expires_at) where status = 'ACTIVE';

-- Nonces of agents' signed messages, kept until the message could no longer pass the freshness check.
create table agent_nonces (
    agent_id   varchar(200) not null,
    nonce      varchar(128) not null,
    expires_at timestamptz  not null,
    primary key (agent_id, nonce)
);

create index agent_nonces_expiry on agent_nonces (expires_at);
