/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The health rules of the fleet server, as pure functions: given what is
 * known of one screen (which alerts are open, how many heartbeats in a row
 * were over the CPU threshold) and what just happened (a heartbeat, or
 * time passing in silence), they say which alerts to raise and which to
 * resolve. No I/O and no clock: the caller stores, announces and times.
 *
 *   offline      no heartbeat for more than the offline threshold    critical
 *   cpuUsage     over 90 % for 3 heartbeats in a row                 warning
 *   memoryUsage  over 90 %                                           warning
 *   diskUsage    over 95 %                                           critical
 *   temperature  over 80 °C                                          critical
 *
 * An alert resolves when its condition ends (the first heartbeat, or the
 * first reading at or under the threshold). An open alert is never raised
 * again. A reading the screen did not send (NAN) leaves its rule as it is.
 */

typedef enum {
  VZ_HEALTH_RULE_OFFLINE,
  VZ_HEALTH_RULE_CPU,
  VZ_HEALTH_RULE_MEMORY,
  VZ_HEALTH_RULE_DISK,
  VZ_HEALTH_RULE_TEMPERATURE,
  VZ_HEALTH_N_RULES
} VzHealthRule;

typedef enum {
  VZ_HEALTH_WARNING,
  VZ_HEALTH_CRITICAL,
} VzHealthSeverity;

#define VZ_HEALTH_CPU_THRESHOLD          90.0
#define VZ_HEALTH_CPU_BEATS              3
#define VZ_HEALTH_MEMORY_THRESHOLD       90.0
#define VZ_HEALTH_DISK_THRESHOLD         95.0
#define VZ_HEALTH_TEMPERATURE_THRESHOLD  80.0
/* The contract's silence after which a screen is offline. */
#define VZ_HEALTH_OFFLINE_SECONDS        120

/* What the rules remember of one screen between calls. */
typedef struct {
  guint8 open;         /* bit (1 << rule): an alert of that rule is open */
  guint8 cpu_beats;    /* heartbeats in a row with CPU over the threshold */
} VzHealthState;

/* One heartbeat's readings; NAN when not reported. */
typedef struct {
  double cpu_usage;
  double memory_usage;
  double disk_usage;
  double temperature;
} VzHealthSample;

typedef struct {
  VzHealthRule rule;
  gboolean     raise;      /* FALSE: resolve */
  double       value;      /* the reading (offline: seconds of silence) */
  double       threshold;
} VzHealthChange;

/* A heartbeat arrived: fills @changes (room for VZ_HEALTH_N_RULES) and
 * returns how many; @state is updated. A heartbeat also ends an offline
 * alert. */
guint             vz_health_rules_heartbeat  (VzHealthState        *state,
                                              const VzHealthSample *sample,
                                              VzHealthChange       *changes);
/* The screen's link state at some moment: raises the offline alert when it
 * is not online and @silent_s (seconds since its last heartbeat; negative:
 * it never sent one) is over @offline_s, resolves it when it is online.
 * Returns whether *@change was filled. */
gboolean          vz_health_rules_link       (VzHealthState        *state,
                                              gboolean              online,
                                              double                silent_s,
                                              double                offline_s,
                                              VzHealthChange       *change);
/* Marks @rule open, as read back from storage. */
void              vz_health_state_set_open   (VzHealthState        *state,
                                              VzHealthRule          rule);
gboolean          vz_health_state_is_open    (const VzHealthState  *state,
                                              VzHealthRule          rule);

VzHealthSeverity  vz_health_rule_severity    (VzHealthRule          rule);
/* The wire name of the rule's metric ("offline", "cpuUsage", …). */
const char       *vz_health_rule_metric      (VzHealthRule          rule);
/* The rule whose metric is @metric; FALSE when none is. */
gboolean          vz_health_rule_from_metric (const char           *metric,
                                              VzHealthRule         *rule);
const char       *vz_health_severity_name    (VzHealthSeverity      severity);

G_END_DECLS
