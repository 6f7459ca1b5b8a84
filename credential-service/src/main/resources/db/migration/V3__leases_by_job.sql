-- A job's leases end when the job does: find them through their requests' job.
create index credential_requests_job on credential_requests (job_id);
