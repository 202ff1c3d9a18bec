#!/usr/bin/env bash
# Entry point of the Flink containers of docker-compose.yml (JobManager, TaskManager and the client
# that submits the jobs): hands bucketflow's configuration to the official image's own entry point,
# then runs it with the same arguments (jobmanager, taskmanager, or a command such as `flink run`).
#
# The image's /docker-entrypoint.sh applies FLINK_PROPERTIES ("key: value" lines) to its
# conf/config.yaml, which keeps the image's own settings (bind addresses, memory sizes). This script
# sets FLINK_PROPERTIES to flink-conf/config.yaml, then flink-conf/cluster/config.yaml, then any
# FLINK_PROPERTIES of the container, each key once with its last value. That entry point strips all
# white space from each line, so values must not contain spaces.
# It also hands the volumes of docker-compose.yml (checkpoints, downloads) to the flink user the image
# runs Flink as: Docker creates them owned by root.
set -euo pipefail

conf_dir="${BUCKETFLOW_CONF_DIR:-/opt/bucketflow/flink-conf}"

# "key: value" lines of the given files and text, comments and blank lines dropped, each key once
# (where it first appears) with the value it has last.
merged_properties() {
  awk '
    /^[[:space:]]*(#|$)/ { next }
    {
      key = $0
      sub(/:.*/, "", key)
      gsub(/[[:space:]]/, "", key)
      if (!(key in line)) { order[++count] = key }
      line[key] = $0
    }
    END { for (i = 1; i <= count; i++) print line[order[i]] }
  ' "$@"
}

FLINK_PROPERTIES="$(merged_properties "$conf_dir/config.yaml" "$conf_dir/cluster/config.yaml" \
  <(printf '%s\n' "${FLINK_PROPERTIES:-}"))"
export FLINK_PROPERTIES

if [[ "$(id -u)" == 0 ]]; then
  for volume in /opt/bucketflow/checkpoints /opt/bucketflow/downloads; do
    if [[ -d "$volume" ]]; then
      chown flink:flink "$volume"
    fi
  done
fi

exec /docker-entrypoint.sh "$@"
