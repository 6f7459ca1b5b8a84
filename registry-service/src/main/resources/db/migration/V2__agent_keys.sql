-- Every public key an agent announced in a heartbeat, revoked ones included. Rows outlive the agent's entry in
-- `agents` (neither expiry nor departure deletes them), so a key revoked once stays revoked when the agent
-- comes back under the same id and announces it again. created_at is the worker's clock, taken from the first
-- heartbeat that carried the key; revoked_at is the registry's clock.
create table agent_keys (
    agent_id   varchar(200) not null,
    key_id     varchar(64)  not null,
    algorithm  varchar(32)  not null,
    public_key text         not null,
    created_at timestamptz,
    revoked_at timestamptz,
    primary key (agent_id, key_id)
);
