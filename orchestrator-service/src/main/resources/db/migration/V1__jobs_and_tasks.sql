-- Jobs as the orchestrator accepted them, plus the view the gateway reads (counts, usage and result as
-- the aggregator last reported them).
create table jobs (
    job_id              uuid        primary key,
    tenant              text        not null,
    -- the client's Idempotency-Key; unique per tenant when present (NULLs never conflict)
    idempotency_key     text,
    -- hex SHA-256 of the request body: the same key with another digest is a misuse of the key
    request_digest      text,
    pattern             text        not null,
    agent               text        not null,
    capability          text        not null,
    instruction         text,
    priority            text        not null,
    reduce_strategy     text        not null,
    max_attempts        integer     not null,
    status              text        not null,
    total_tasks         integer     not null,
    succeeded_tasks     integer     not null default 0,
    failed_tasks        integer     not null default 0,
    prompt_tokens       bigint      not null default 0,
    completion_tokens   bigint      not null default 0,
    llm_calls           bigint      not null default 0,
    result_strategy     text,
    result_items        integer,
    result_reason       text,
    accepted_at         timestamptz not null,
    -- absolute: accepted_at + the job's deadline limit
    deadline            timestamptz not null,
    -- set once JobDeadlineReached went to the outbox
    deadline_flagged_at timestamptz,
    cancel_reason       text,
    completed_at        timestamptz,
    updated_at          timestamptz not null default now(),
    constraint jobs_status_known check (status in ('ACCEPTED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED')),
    constraint jobs_idempotency_key unique (tenant, idempotency_key)
);

create index jobs_deadline_due on jobs (deadline)
    where deadline_flagged_at is null and status in ('ACCEPTED', 'RUNNING');

-- One row per task; attempt is the current attempt, the only one whose result counts.
create table tasks (
    task_id     uuid        primary key,
    job_id      uuid        not null references jobs (job_id) on delete cascade,
    input_id    text        not null,
    content     text,
    attempt     integer     not null default 1,
    -- ASSIGNED: an attempt is queued or running; FAILED: finally failed; ABANDONED: a retryable failure
    -- not retried because the job was over (finished, cancelled, past its deadline)
    status      text        not null default 'ASSIGNED',
    last_error  text,
    updated_at  timestamptz not null default now(),
    constraint tasks_status_known check (status in ('ASSIGNED', 'FAILED', 'ABANDONED')),
    constraint tasks_input_unique unique (job_id, input_id)
);
