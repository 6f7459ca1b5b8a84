-- Cost accounting and budgets. Usage on jobs and tenants counts every attempt the aggregator recorded (a
-- failed or superseded attempt spent tokens too), not only the final result of each task.
alter table jobs
    add column tool_calls   bigint  not null default 0,
    -- US dollars at the workers' price table; numeric, so sums stay exact
    add column cost_usd     numeric not null default 0,
    -- the job's budgets from JobAccepted; the job ends once its usage reaches either. null: no budget
    add column max_tokens   bigint,
    add column max_cost_usd numeric;

alter table task_results
    add column tool_calls bigint  not null default 0,
    add column cost_usd   numeric not null default 0;

-- What each tenant has consumed over all its jobs, updated in the transaction that records the results (and,
-- for jobs, the acceptance). Rows are locked after the job rows of the same transaction, in tenant order.
create table tenant_usage (
    tenant            text        primary key,
    prompt_tokens     bigint      not null default 0,
    completion_tokens bigint      not null default 0,
    llm_calls         bigint      not null default 0,
    tool_calls        bigint      not null default 0,
    cost_usd          numeric     not null default 0,
    -- jobs accepted for the tenant
    jobs              bigint      not null default 0,
    updated_at        timestamptz not null default now()
);
