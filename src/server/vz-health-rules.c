/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <math.h>

#include "vz-health-rules.h"

static const struct {
  const char       *metric;
  VzHealthSeverity  severity;
} rules[VZ_HEALTH_N_RULES] = {
  [VZ_HEALTH_RULE_OFFLINE]     = { "offline",     VZ_HEALTH_CRITICAL },
  [VZ_HEALTH_RULE_CPU]         = { "cpuUsage",    VZ_HEALTH_WARNING },
  [VZ_HEALTH_RULE_MEMORY]      = { "memoryUsage", VZ_HEALTH_WARNING },
  [VZ_HEALTH_RULE_DISK]        = { "diskUsage",   VZ_HEALTH_CRITICAL },
  [VZ_HEALTH_RULE_TEMPERATURE] = { "temperature", VZ_HEALTH_CRITICAL },
};

void
vz_health_state_set_open (VzHealthState *state,
                          VzHealthRule   rule)
{
  g_return_if_fail (state != NULL && rule < VZ_HEALTH_N_RULES);
  state->open |= 1u << rule;
}

gboolean
vz_health_state_is_open (const VzHealthState *state,
                         VzHealthRule         rule)
{
  g_return_val_if_fail (state != NULL && rule < VZ_HEALTH_N_RULES, FALSE);
  return (state->open & (1u << rule)) != 0;
}

/* Records a transition of @rule into @changes when @over (the condition
 * holds) differs from whether its alert is open. */
static guint
transition (VzHealthState  *state,
            VzHealthRule    rule,
            gboolean        over,
            double          value,
            double          threshold,
            VzHealthChange *changes,
            guint           n)
{
  gboolean open = vz_health_state_is_open (state, rule);

  if (over == open)
    return n;
  if (over)
    state->open |= 1u << rule;
  else
    state->open &= ~(1u << rule);
  changes[n] = (VzHealthChange) { rule, over, value, threshold };
  return n + 1;
}

guint
vz_health_rules_heartbeat (VzHealthState        *state,
                           const VzHealthSample *sample,
                           VzHealthChange       *changes)
{
  guint n = 0;

  g_return_val_if_fail (state != NULL && sample != NULL && changes != NULL, 0);

  /* A heartbeat is the screen speaking: it is not silent any more. */
  n = transition (state, VZ_HEALTH_RULE_OFFLINE, FALSE, 0, VZ_HEALTH_OFFLINE_SECONDS, changes, n);

  if (!isnan (sample->cpu_usage))
    {
      gboolean over = sample->cpu_usage > VZ_HEALTH_CPU_THRESHOLD;

      /* Raised only after enough beats over in a row; the first beat under ends it. */
      if (over && state->cpu_beats < VZ_HEALTH_CPU_BEATS)
        state->cpu_beats++;
      else if (!over)
        state->cpu_beats = 0;
      if (!over || state->cpu_beats >= VZ_HEALTH_CPU_BEATS)
        n = transition (state, VZ_HEALTH_RULE_CPU, over, sample->cpu_usage, VZ_HEALTH_CPU_THRESHOLD, changes, n);
    }
  if (!isnan (sample->memory_usage))
    n = transition (state, VZ_HEALTH_RULE_MEMORY, sample->memory_usage > VZ_HEALTH_MEMORY_THRESHOLD,
                    sample->memory_usage, VZ_HEALTH_MEMORY_THRESHOLD, changes, n);
  /* Above 100 the screen reports something else than a share of its disk. */
  if (!isnan (sample->disk_usage) && sample->disk_usage <= 100)
    n = transition (state, VZ_HEALTH_RULE_DISK, sample->disk_usage > VZ_HEALTH_DISK_THRESHOLD,
                    sample->disk_usage, VZ_HEALTH_DISK_THRESHOLD, changes, n);
  if (!isnan (sample->temperature))
    n = transition (state, VZ_HEALTH_RULE_TEMPERATURE, sample->temperature > VZ_HEALTH_TEMPERATURE_THRESHOLD,
                    sample->temperature, VZ_HEALTH_TEMPERATURE_THRESHOLD, changes, n);
  return n;
}

gboolean
vz_health_rules_link (VzHealthState  *state,
                      gboolean        online,
                      double          silent_s,
                      double          offline_s,
                      VzHealthChange *change)
{
  gboolean over = !online && silent_s > offline_s;

  g_return_val_if_fail (state != NULL && change != NULL, FALSE);

  /* Offline but not yet silent long enough: nothing to say either way. */
  if (!online && !over)
    return FALSE;
  return transition (state, VZ_HEALTH_RULE_OFFLINE, over, online ? 0 : silent_s, offline_s, change, 0) == 1;
}

VzHealthSeverity
vz_health_rule_severity (VzHealthRule rule)
{
  g_return_val_if_fail (rule < VZ_HEALTH_N_RULES, VZ_HEALTH_CRITICAL);
  return rules[rule].severity;
}

const char *
vz_health_rule_metric (VzHealthRule rule)
{
  g_return_val_if_fail (rule < VZ_HEALTH_N_RULES, NULL);
  return rules[rule].metric;
}

gboolean
vz_health_rule_from_metric (const char   *metric,
                            VzHealthRule *rule)
{
  for (guint i = 0; i < VZ_HEALTH_N_RULES; i++)
    if (g_strcmp0 (metric, rules[i].metric) == 0)
      {
        *rule = (VzHealthRule) i;
        return TRUE;
      }
  return FALSE;
}

const char *
vz_health_severity_name (VzHealthSeverity severity)
{
  return severity == VZ_HEALTH_CRITICAL ? "critical" : "warning";
}
