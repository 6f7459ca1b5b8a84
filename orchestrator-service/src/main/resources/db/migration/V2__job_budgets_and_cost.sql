-- Budgets and cost. A job's model override and its (effective) budgets are kept with the job so that every
-- attempt of its tasks, retries included, carries them; the view gains tool calls and dollars.
alter table jobs
    -- the model tier or name every task uses instead of the agent type's own; null for the agent type's
    add column model        text,
    -- the job's token budget (prompt + completion over every attempt); null for none
    add column max_tokens   bigint,
    -- the job's dollar budget: the client's, lowered to what the tenant had left when a tenant budget applies
    add column max_cost_usd numeric,
    add column tool_calls   bigint  not null default 0,
    -- what the job has cost so far, as the aggregator last reported it (progress, then completion)
    add column cost_usd     numeric not null default 0;
