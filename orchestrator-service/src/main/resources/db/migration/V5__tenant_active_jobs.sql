-- The concurrent-job quota counts a tenant's open jobs at every submission: only the open ones are indexed.
create index jobs_tenant_active on jobs (tenant) where status in ('ACCEPTED', 'RUNNING');
