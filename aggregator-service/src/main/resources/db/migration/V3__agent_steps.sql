-- The agent loop's steps (LLM and tool calls: tokens, cost, latency, errors) of the attempt that produced the
-- final result, served with it.
alter table task_results add column steps jsonb;
