/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-display-health"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "vz-display-health.h"

#define CPU_WARNING 90.0
#define MEMORY_WARNING 90.0
#define DISK_CRITICAL 95.0
#define TEMPERATURE_CRITICAL 80.0

/* VzDisplay says -1 for a usage it has no reading of and NAN for a
 * temperature; a temperature of -1 °C is a reading. */
static gboolean
known_reading (const char *metric,
               gdouble     value)
{
  if (isnan (value))
    return FALSE;
  return g_strcmp0 (metric, "temperature") == 0 || value >= 0;
}

char *
vz_metric_format (const char *metric,
                  gdouble     value)
{
  if (!known_reading (metric, value))
    return g_strdup (_("Unknown"));
  if (g_strcmp0 (metric, "temperature") == 0)
    /* Translators: degrees Celsius */
    return g_strdup_printf (_("%.0f °C"), value);
  /* Translators: a percentage, e.g. "42 %" */
  return g_strdup_printf (_("%.0f %%"), value);
}

const char *
vz_metric_label (const char *metric)
{
  if (g_strcmp0 (metric, "cpuUsage") == 0)
    return _("CPU");
  if (g_strcmp0 (metric, "memoryUsage") == 0)
    return _("Memory");
  if (g_strcmp0 (metric, "diskUsage") == 0)
    return _("Disk");
  if (g_strcmp0 (metric, "temperature") == 0)
    return _("Temperature");
  return metric;
}

const char *
vz_health_level_to_label (VzHealthLevel level)
{
  switch (level)
    {
    case VZ_HEALTH_WARNING:
      return _("Warning");
    case VZ_HEALTH_CRITICAL:
      return _("Critical");
    case VZ_HEALTH_OFFLINE:
      return _("Offline");
    case VZ_HEALTH_OK:
    default:
      return _("Healthy");
    }
}

typedef struct {
  const char    *metric;
  gdouble        limit;
  VzHealthLevel  level;
  guint          penalty;
} Rule;

static const Rule rules[] = {
  { "temperature", TEMPERATURE_CRITICAL, VZ_HEALTH_CRITICAL, 50 },
  { "diskUsage", DISK_CRITICAL, VZ_HEALTH_CRITICAL, 50 },
  { "cpuUsage", CPU_WARNING, VZ_HEALTH_WARNING, 20 },
  { "memoryUsage", MEMORY_WARNING, VZ_HEALTH_WARNING, 20 },
};

static gdouble
reading (VzDisplay  *display,
         const char *metric)
{
  if (g_str_equal (metric, "temperature"))
    return vz_display_get_temperature (display);
  if (g_str_equal (metric, "diskUsage"))
    return vz_display_get_disk_usage (display);
  if (g_str_equal (metric, "cpuUsage"))
    return vz_display_get_cpu_usage (display);
  return vz_display_get_memory_usage (display);
}

void
vz_display_health_assess (VzDisplay       *display,
                          VzDisplayHealth *out)
{
  vz_display_health_assess_full (display, NULL, 0, out);
}

void
vz_display_health_assess_full (VzDisplay             *display,
                               VzNotification * const *alerts,
                               guint                  n_alerts,
                               VzDisplayHealth       *out)
{
  g_autoptr(GString) reason = g_string_new (NULL);
  gboolean any_known = FALSE;
  int score = 100;

  g_return_if_fail (VZ_IS_DISPLAY (display));
  g_return_if_fail (out != NULL);
  g_return_if_fail (alerts != NULL || n_alerts == 0);

  out->level = VZ_HEALTH_OK;
  out->reason = NULL;
  switch (vz_display_get_status (display))
    {
    case VZ_DISPLAY_STATUS_OFFLINE:
      out->level = VZ_HEALTH_OFFLINE;
      out->score = 0;
      out->reason = g_strdup (_("Offline: no heartbeat for over two minutes"));
      return;
    case VZ_DISPLAY_STATUS_ERROR:
      out->level = VZ_HEALTH_CRITICAL;
      score -= 50;
      g_string_append (reason, _("The screen reports an error"));
      break;
    case VZ_DISPLAY_STATUS_PAIRING:
      out->score = 100;
      out->reason = g_strdup (_("Waiting for pairing"));
      return;
    case VZ_DISPLAY_STATUS_UNKNOWN:
    case VZ_DISPLAY_STATUS_ONLINE:
    case VZ_DISPLAY_STATUS_IDLE:
    default:
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      gdouble value = reading (display, rules[i].metric);
      g_autofree char *shown = NULL;
      g_autofree char *limit = NULL;

      if (!known_reading (rules[i].metric, value))
        continue;
      any_known = TRUE;
      if (value <= rules[i].limit)
        continue;
      out->level = MAX (out->level, rules[i].level);
      score -= rules[i].penalty;
      shown = vz_metric_format (rules[i].metric, value);
      limit = vz_metric_format (rules[i].metric, rules[i].limit);
      if (reason->len > 0)
        /* Translators: between two reasons a screen is not healthy */
        g_string_append (reason, _("; "));
      /* Translators: "Temperature 86 °C, over 80 °C" */
      g_string_append_printf (reason, _("%s %s, over %s"), vz_metric_label (rules[i].metric), shown, limit);
    }

  for (guint i = 0; i < n_alerts; i++)
    {
      VzSeverity severity = vz_notification_get_severity (alerts[i]);
      const char *metric = vz_notification_get_metric (alerts[i]);
      const char *title = vz_notification_get_title (alerts[i]);
      VzHealthLevel level = severity == VZ_SEVERITY_CRITICAL ? VZ_HEALTH_CRITICAL :
                            severity == VZ_SEVERITY_WARNING ? VZ_HEALTH_WARNING : VZ_HEALTH_OK;
      gboolean shown = FALSE;

      if (level == VZ_HEALTH_OK)
        continue;
      /* The figures already tell of this rule. */
      for (guint j = 0; metric != NULL && j < G_N_ELEMENTS (rules); j++)
        if (g_str_equal (rules[j].metric, metric) && known_reading (metric, reading (display, metric)) &&
            reading (display, metric) > rules[j].limit)
          shown = TRUE;
      if (shown)
        continue;
      out->level = MAX (out->level, level);
      score -= level == VZ_HEALTH_CRITICAL ? 50 : 20;
      if (title != NULL)
        {
          if (reason->len > 0)
            g_string_append (reason, _("; "));
          g_string_append (reason, title);
        }
    }

  out->score = (guint) MAX (score, 5);
  if (reason->len > 0)
    out->reason = g_string_free (g_steal_pointer (&reason), FALSE);
  else if (!any_known)
    out->reason = g_strdup (_("No readings yet"));
  else
    out->reason = g_strdup (_("No problems"));
}

void
vz_display_health_clear (VzDisplayHealth *health)
{
  g_return_if_fail (health != NULL);
  g_clear_pointer (&health->reason, g_free);
}
