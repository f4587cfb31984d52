-- db-scheduler's table for background jobs: its PostgreSQL DDL (db-scheduler 16.x) in H2 types; db-scheduler
-- drives H2 through its default JDBC customization. IF NOT EXISTS because a host that already runs db-scheduler
-- on this schema has it.
CREATE TABLE IF NOT EXISTS scheduled_tasks (
    task_name            CHARACTER VARYING(255)      NOT NULL,
    task_instance        CHARACTER VARYING(255)      NOT NULL,
    task_data            BINARY LARGE OBJECT,
    execution_time       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    picked               BOOLEAN                     NOT NULL,
    picked_by            CHARACTER VARYING(255),
    last_success         TIMESTAMP(6) WITH TIME ZONE,
    last_failure         TIMESTAMP(6) WITH TIME ZONE,
    consecutive_failures INTEGER,
    last_heartbeat       TIMESTAMP(6) WITH TIME ZONE,
    version              BIGINT                      NOT NULL,
    priority             SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX IF NOT EXISTS execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX IF NOT EXISTS last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX IF NOT EXISTS priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
