-- Jobs whose tasks are planned at run time (pipelines that drop tasks, supervisors' plans) and early ends on a
-- success ratio.
alter table jobs
    -- true while more tasks may be planned: the job does not close on its count (JobAccepted.planOpen, then the
    -- latest JobPlanChanged.open)
    add column plan_open       boolean not null default false,
    -- JobPlanChanged.at of the plan event applied last; null until one was. Once set, JobAccepted no longer
    -- decides total_tasks and plan_open (a plan event may overtake the acceptance), and an older plan event
    -- (a redelivery that overtook a newer one) changes nothing
    add column plan_changed_at timestamptz,
    -- JobPlanChanged.failure: the job closes FAILED with it once accepted
    add column plan_failure    text,
    -- JobAccepted.limits.successRatio, 0 exclusive to 1; null: every task
    add column success_ratio   numeric;
