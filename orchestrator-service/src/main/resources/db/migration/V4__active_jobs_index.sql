-- What the job gauges count every poll (colony.jobs.active, colony.jobs.stalled): only the unfinished jobs, however
-- many finished ones the table keeps.
create index jobs_active on jobs (status, updated_at)
    where status in ('ACCEPTED', 'RUNNING');
