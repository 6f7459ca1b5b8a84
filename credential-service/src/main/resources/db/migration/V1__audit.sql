-- The audit log: one row per request, decision, issue, use, renewal, revocation and expiry, hash-chained.
-- body is the canonical JSON of the entry (everything but the hashes), stored as the exact text that was hashed;
-- hash = sha256_hex(prev_hash || body). The other columns repeat body's fields for queries only; the verifier
-- checks that they agree with it.
create table audit_log (
    seq         bigint       primary key,
    recorded_at timestamptz  not null,
    kind        varchar(40)  not null,
    tenant      varchar(200),
    request_id  uuid,
    lease_id    uuid,
    actor       varchar(300) not null,
    body        text         not null,
    prev_hash   char(64)     not null,
    hash        char(64)     not null
);

create index audit_log_tenant on audit_log (tenant, seq);

-- The chain's head, locked by every append so that entries are numbered and chained one at a time.
create table audit_head (
    id   integer  primary key check (id = 1),
    seq  bigint   not null,
    hash char(64) not null
);

insert into audit_head (id, seq, hash) values (1, 0, repeat('0', 64));

-- Every public key that ever signed a checkpoint (or was loaded to sign one), never deleted: old checkpoints stay
-- verifiable after a key changes. public_key is base64 of the X.509 encoding, as AgentKey carries it.
create table audit_key (
    key_id        varchar(64)  primary key,
    algorithm     varchar(20)  not null,
    public_key    text         not null,
    created_at    timestamptz  not null,
    registered_at timestamptz  not null
);

-- Signed statements "entry seq has hash": signature = Ed25519 by key_id over the canonical JSON of
-- {log, seq, hash, signedAt}. No foreign key to audit_log on purpose: a checkpoint must outlive the entries a
-- truncation removes, that is what reveals it.
create table audit_checkpoint (
    seq       bigint      primary key,
    hash      char(64)    not null,
    signed_at timestamptz not null,
    key_id    varchar(64) not null,
    signature text        not null
);

-- The log, its keys and its checkpoints are append-only for the service: a stray update or delete fails instead
-- of silently breaking the chain. (An owner can disable the trigger; that is what the verifier is for.)
create function audit_append_only() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_append_only();
create trigger audit_key_append_only before update or delete on audit_key
    for each row execute function audit_append_only();
create trigger audit_key_no_truncate before truncate on audit_key
    for each statement execute function audit_append_only();
create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint
    for each row execute function audit_append_only();
create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
    for each statement execute function audit_append_only();
