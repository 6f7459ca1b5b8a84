-- Task graphs: pipelines, supervisor plans and per-job concurrency caps. A job whose tasks the orchestrator
-- follows (tracked) keeps, per task, what it runs on and what it waits for; its tasks' outputs are kept for the
-- tasks that depend on them. Plain scatter-gather jobs without a cap keep using the defaults below (one role,
-- no dependencies, the job's agent/capability/instruction, dispatched at submit).
alter table tasks drop constraint tasks_status_known;

alter table tasks
    -- work, plan or compose (TaskRole wire names)
    add column role        text      not null default 'work',
    -- pipeline stage (1-based) or plan depth (0 for plan and compose)
    add column stage       integer   not null default 0,
    -- the order tasks of a job were created in: READY tasks are dispatched oldest first, then by position
    add column position    integer   not null default 0,
    add column depends_on  uuid[]    not null default '{}',
    -- how many of depends_on have not finished yet: a task is released when it reaches 0, without re-reading the
    -- others (a once stage over 10,000 items reads its dependencies once, not once per item)
    add column pending     integer   not null default 0,
    -- how the input is built from dependencies when released: null (the one dependency's output), sections
    -- (pipeline once stage), children (a plan node over its sub-tasks), compose (a supervisor's answer)
    add column gather      text,
    -- the successful output, kept for dependants; truncated to 65,536 characters
    add column output      text,
    -- per-task overrides of the job's agent type, capability and instruction; null for the job's
    add column agent       text,
    add column capability  text,
    add column instruction text,
    -- when the task became READY (the concurrency cap releases the oldest first)
    add column ready_at    timestamptz,
    add constraint tasks_status_known check (status in ('WAITING', 'READY', 'ASSIGNED', 'SUCCEEDED', 'FAILED',
                                                        'ABANDONED', 'SKIPPED'));

-- What the dispatcher reads after every result of a tracked job: its READY tasks, oldest first.
create index tasks_ready on tasks (job_id, ready_at, position) where status = 'READY';
-- What the concurrency cap counts after every result of a capped job: its tasks running now.
create index tasks_assigned on tasks (job_id) where status = 'ASSIGNED';
-- What the release reads: the waiting tasks that depend on the task that finished.
create index tasks_waiting_on on tasks using gin (depends_on) where status = 'WAITING';

alter table jobs
    -- the orchestrator follows the outcome of every task (pipeline, supervisor, concurrency cap)
    add column tracked           boolean not null default false,
    add column max_concurrency   integer,
    add column success_ratio     numeric,
    add column plan_max_subtasks integer,
    add column plan_max_depth    integer,
    -- the agent types a supervisor's plan may use; empty for any but the supervisor's own
    add column specialists       text[],
    -- how many JobPlanChanged the job has published: their message ids are <jobId>:plan:<n>
    add column plan_version      integer not null default 0;
