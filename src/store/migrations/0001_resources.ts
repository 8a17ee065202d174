import { sql, type Kysely } from 'kysely';

/** The resource tables of the contract. Migrations are only ever appended, never edited. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table packages (
       id uuid primary key,
       realm text not null,
       file_name text not null,
       main_class text,
       entry_points jsonb not null,
       class_names jsonb not null,
       size_bytes bigint not null,
       storage_path text not null,
       created_by text not null,
       created timestamptz not null
     )`,
    `create table pipeline_templates (
       id uuid primary key,
       realm text not null,
       name text not null,
       state text not null,
       state_message text,
       runtime_environment text not null,
       package_id uuid not null,
       entry_point_class_name text not null,
       group_id text,
       home text,
       description text,
       default_cluster_configuration jsonb not null,
       input_catalog_ids jsonb not null,
       default_runtime_configuration text,
       created timestamptz not null,
       updated timestamptz not null
     )`,
    `create index pipeline_templates_realm on pipeline_templates (realm, created)`,
    `create table pipelines (
       id uuid primary key,
       realm text not null,
       name text not null,
       description text,
       group_id text,
       contact_email text,
       home text,
       created timestamptz not null,
       updated timestamptz not null
     )`,
    `create index pipelines_realm on pipelines (realm, created)`,
    `create table pipeline_versions (
       id uuid primary key,
       realm text not null,
       pipeline_id uuid not null references pipelines (id) on delete cascade,
       version_number integer not null,
       name text not null,
       state text not null,
       pipeline_template_id uuid not null references pipeline_templates (id),
       input_catalogs jsonb not null,
       output_catalog_hrn text not null,
       scheduler_configuration jsonb,
       cluster_configuration jsonb not null,
       custom_runtime_configuration text,
       stream_configuration jsonb,
       logging_configuration jsonb not null,
       run_as_id text,
       billing_tag text,
       multi_region_enabled boolean not null default false,
       next_job_attempt timestamptz,
       created timestamptz not null,
       updated timestamptz not null,
       unique (pipeline_id, version_number)
     )`,
    `create index pipeline_versions_template on pipeline_versions (pipeline_template_id)`,
    `create table egress_rules (
       id uuid primary key,
       realm text not null,
       destination text not null,
       destination_type text not null,
       description text,
       created timestamptz not null,
       unique (realm, destination)
     )`,
    `create table egress_audit_log (
       seq bigserial primary key,
       realm text not null,
       created timestamptz not null,
       rule_id uuid not null,
       rule_destination text not null,
       action text not null,
       principal text not null
     )`,
    `create index egress_audit_log_realm on egress_audit_log (realm, seq)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
