-- One row per job the aggregator has heard of. A row may exist before JobAccepted (results can overtake it
-- on another queue): then tenant comes from the results and total_tasks is still null. The counters are
-- maintained by the results path under this row's lock, so they never lose an increment.
create table jobs (
    job_id            uuid        primary key,
    tenant            text,
    total_tasks       integer,
    reduce_strategy   text,
    deadline          timestamptz,
    accepted_at       timestamptz,
    succeeded         integer     not null default 0,
    failed            integer     not null default 0,
    prompt_tokens     bigint      not null default 0,
    completion_tokens bigint      not null default 0,
    llm_calls         bigint      not null default 0,
    status            text        not null default 'RUNNING',
    reason            text,
    closed_at         timestamptz,
    updated_at        timestamptz not null default now()
);

-- The final result of each task: at most one per (job, task), whichever final attempt arrived first.
create table task_results (
    job_id            uuid        not null,
    task_id           uuid        not null,
    tenant            text        not null,
    input_id          text        not null,
    status            text        not null,
    output            text,
    error             text,
    attempt           integer     not null,
    agent_id          text,
    prompt_tokens     bigint      not null default 0,
    completion_tokens bigint      not null default 0,
    llm_calls         bigint      not null default 0,
    completed_at      timestamptz,
    recorded_at       timestamptz not null default now(),
    primary key (job_id, task_id)
);

-- Serves the results pages: one job, ordered by input id.
create index task_results_by_input on task_results (job_id, input_id, task_id);
