-- Jobs held until an agent serves their type (whenNoAgent = hold). A held job is stored with its tasks and
-- announced (JobAccepted) but not dispatched: held_since is set and capability is unknown (null) until the
-- orchestrator finds a live agent, then both change in the transaction that writes its TaskAssigned.
alter table jobs
    add column held_since timestamptz,
    alter column capability drop not null;

-- What the held-jobs poller reads every interval: only the (few) held jobs that may still be dispatched.
create index jobs_held on jobs (agent)
    where held_since is not null and status = 'ACCEPTED' and deadline_flagged_at is null;
