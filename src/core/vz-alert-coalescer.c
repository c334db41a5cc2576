/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-alert-coalescer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-alert-coalescer.h"

/* More batches than this in one window become one summary. */
#define MAX_BATCHES 3
/* Screens named in a batch's body before "and N more". */
#define NAMES_SHOWN 3

typedef struct {
  char       *id;
  char       *sort;         /* kind, or kind:metric */
  char       *kind;
  char       *metric;
  VzSeverity  severity;
  char       *device_id;
  char       *screen_name;
  char       *title;
  char       *message;
} Waiting;

struct _VzAlertCoalescer
{
  GObject     parent_instance;

  gint64      window_us;
  gint64      opened;       /* when the window's first alert came (while any waits) */
  GPtrArray  *waiting;      /* Waiting*, in arrival order */
  GHashTable *ids;          /* id → Waiting* (borrowed) */
};

G_DEFINE_FINAL_TYPE (VzAlertCoalescer, vz_alert_coalescer, G_TYPE_OBJECT)

static void
waiting_free (Waiting *w)
{
  g_free (w->id);
  g_free (w->sort);
  g_free (w->kind);
  g_free (w->metric);
  g_free (w->device_id);
  g_free (w->screen_name);
  g_free (w->title);
  g_free (w->message);
  g_free (w);
}

void
vz_alert_batch_free (VzAlertBatch *batch)
{
  if (batch == NULL)
    return;
  g_free (batch->id);
  g_free (batch->title);
  g_free (batch->body);
  g_free (batch->device_id);
  g_strfreev (batch->alert_ids);
  g_free (batch);
}

static void
vz_alert_coalescer_finalize (GObject *object)
{
  VzAlertCoalescer *self = VZ_ALERT_COALESCER (object);

  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);

  G_OBJECT_CLASS (vz_alert_coalescer_parent_class)->finalize (object);
}

static void
vz_alert_coalescer_class_init (VzAlertCoalescerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vz_alert_coalescer_finalize;
}

static void
vz_alert_coalescer_init (VzAlertCoalescer *self)
{
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) waiting_free);
  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
}

VzAlertCoalescer *
vz_alert_coalescer_new (gint64 window_us)
{
  VzAlertCoalescer *self = g_object_new (VZ_TYPE_ALERT_COALESCER, NULL);

  self->window_us = MAX (window_us, 0);
  return self;
}

void
vz_alert_coalescer_add (VzAlertCoalescer  *self,
                        const VzAlertInfo *info,
                        gint64             now)
{
  Waiting *w;

  g_return_if_fail (VZ_IS_ALERT_COALESCER (self));
  g_return_if_fail (info != NULL && info->id != NULL);

  if (g_hash_table_contains (self->ids, info->id))
    return;
  w = g_new0 (Waiting, 1);
  w->id = g_strdup (info->id);
  w->kind = g_strdup (info->kind != NULL ? info->kind : "");
  w->metric = g_strdup (info->metric);
  w->sort = info->metric != NULL ? g_strconcat (w->kind, ":", info->metric, NULL) : g_strdup (w->kind);
  w->severity = info->severity;
  w->device_id = g_strdup (info->device_id);
  w->screen_name = g_strdup (info->screen_name);
  w->title = g_strdup (info->title);
  w->message = g_strdup (info->message);
  if (self->waiting->len == 0)
    self->opened = now;
  g_ptr_array_add (self->waiting, w);
  g_hash_table_insert (self->ids, w->id, w);
}

gboolean
vz_alert_coalescer_forget (VzAlertCoalescer *self,
                           const char       *id)
{
  Waiting *w;

  g_return_val_if_fail (VZ_IS_ALERT_COALESCER (self), FALSE);

  if (id == NULL || (w = g_hash_table_lookup (self->ids, id)) == NULL)
    return FALSE;
  g_hash_table_remove (self->ids, id);
  g_ptr_array_remove (self->waiting, w);
  return TRUE;
}

guint
vz_alert_coalescer_get_n_waiting (VzAlertCoalescer *self)
{
  g_return_val_if_fail (VZ_IS_ALERT_COALESCER (self), 0);
  return self->waiting->len;
}

gint64
vz_alert_coalescer_next_deadline (VzAlertCoalescer *self)
{
  g_return_val_if_fail (VZ_IS_ALERT_COALESCER (self), 0);
  return self->waiting->len > 0 ? MAX (self->opened + self->window_us, 1) : 0;
}

/* ---- the words of a batch ---- */

/* "7 screens went offline": the sort's own sentence for @n alerts. */
static char *
sort_title (const Waiting *w,
            guint          n)
{
  const char *metric = w->metric != NULL ? w->metric : "";

  if (g_str_equal (w->kind, "device_offline"))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u screen went offline",
                                         "%u screens went offline", n), n);
  if (g_str_equal (w->kind, "device_online"))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u screen is back online",
                                         "%u screens are back online", n), n);
  if (g_str_equal (metric, "temperature"))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u screen is overheating",
                                         "%u screens are overheating", n), n);
  if (g_str_equal (metric, "cpuUsage") || g_str_equal (metric, "cpu"))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u screen has a busy processor",
                                         "%u screens have a busy processor", n), n);
  if (g_str_equal (metric, "memoryUsage") || g_str_equal (metric, "memory"))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u screen is low on memory",
                                         "%u screens are low on memory", n), n);
  if (g_str_equal (metric, "diskUsage") || g_str_equal (metric, "disk"))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u screen is running out of disk space",
                                         "%u screens are running out of disk space", n), n);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new alert", "%u new alerts", n), n);
}

/* "Lobby, Hall, Kitchen and 4 more" of the screens @alerts are about. */
static char *
screens_body (GPtrArray *alerts)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GString) body = g_string_new (NULL);
  guint unnamed = 0;

  for (guint i = 0; i < alerts->len; i++)
    {
      Waiting *w = g_ptr_array_index (alerts, i);
      const char *name = w->screen_name != NULL ? w->screen_name : w->device_id;

      if (name == NULL)
        unnamed++;
      else if (g_hash_table_add (seen, (gpointer) name))
        g_ptr_array_add (names, (gpointer) name);
    }
  for (guint i = 0; i < names->len && i < NAMES_SHOWN; i++)
    {
      if (i > 0)
        /* Translators: between the names of screens in a list */
        g_string_append (body, _(", "));
      g_string_append (body, g_ptr_array_index (names, i));
    }
  if (names->len > NAMES_SHOWN)
    {
      guint more = names->len - NAMES_SHOWN;
      g_autofree char *rest = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u more",
                                                            "%s and %u more", more), body->str, more);
      return g_steal_pointer (&rest);
    }
  if (names->len == 0 && unnamed > 0)
    return g_strdup (_("Open Vizora to see which screens."));
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static VzSeverity
highest (GPtrArray *alerts)
{
  VzSeverity severity = VZ_SEVERITY_INFO;

  for (guint i = 0; i < alerts->len; i++)
    severity = MAX (severity, ((Waiting *) g_ptr_array_index (alerts, i))->severity);
  return severity;
}

/* The one screen all @alerts are about, or NULL. */
static const char *
common_device (GPtrArray *alerts)
{
  const char *device = NULL;

  for (guint i = 0; i < alerts->len; i++)
    {
      Waiting *w = g_ptr_array_index (alerts, i);

      if (w->device_id == NULL || (device != NULL && !g_str_equal (device, w->device_id)))
        return NULL;
      device = w->device_id;
    }
  return device;
}

static GStrv
ids_of (GPtrArray *alerts)
{
  GStrv ids = g_new0 (char *, alerts->len + 1);

  for (guint i = 0; i < alerts->len; i++)
    ids[i] = g_strdup (((Waiting *) g_ptr_array_index (alerts, i))->id);
  return ids;
}

static VzAlertBatch *
batch_of_one (Waiting *w)
{
  VzAlertBatch *batch = g_new0 (VzAlertBatch, 1);
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, w);
  batch->id = g_strconcat ("alert-", w->id, NULL);
  batch->severity = w->severity;
  if (w->title != NULL && *w->title != '\0')
    batch->title = g_strdup (w->title);
  else
    batch->title = sort_title (w, 1);
  if (w->message != NULL && *w->message != '\0')
    batch->body = g_strdup (w->message);
  else
    batch->body = screens_body (one);
  batch->device_id = g_strdup (w->device_id);
  batch->alert_ids = ids_of (one);
  return batch;
}

static VzAlertBatch *
batch_of_sort (GPtrArray *alerts)
{
  Waiting *first = g_ptr_array_index (alerts, 0);
  VzAlertBatch *batch;

  if (alerts->len == 1)
    return batch_of_one (first);
  batch = g_new0 (VzAlertBatch, 1);
  batch->id = g_strconcat ("alerts-", first->sort, NULL);
  batch->severity = highest (alerts);
  batch->title = sort_title (first, alerts->len);
  batch->body = screens_body (alerts);
  batch->device_id = g_strdup (common_device (alerts));
  batch->alert_ids = ids_of (alerts);
  return batch;
}

static VzAlertBatch *
batch_of_all (GPtrArray *alerts)
{
  g_autoptr(GHashTable) screens = g_hash_table_new (g_str_hash, g_str_equal);
  VzAlertBatch *batch = g_new0 (VzAlertBatch, 1);
  guint n = alerts->len, n_screens;

  for (guint i = 0; i < alerts->len; i++)
    {
      Waiting *w = g_ptr_array_index (alerts, i);

      if (w->device_id != NULL)
        g_hash_table_add (screens, w->device_id);
    }
  n_screens = g_hash_table_size (screens);
  batch->id = g_strdup ("alerts");
  batch->severity = highest (alerts);
  if (n_screens > 0)
    {
      g_autofree char *alerts_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new alert",
                                                                   "%u new alerts", n), n);
      /* Translators: "40 new alerts on 12 screens"; the first %s is "%u new alert(s)" */
      batch->title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s on %u screen", "%s on %u screens",
                                                   n_screens), alerts_part, n_screens);
    }
  else
    batch->title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new alert", "%u new alerts", n), n);
  batch->body = screens_body (alerts);
  batch->device_id = g_strdup (common_device (alerts));
  batch->alert_ids = ids_of (alerts);
  return batch;
}

GPtrArray *
vz_alert_coalescer_flush (VzAlertCoalescer *self,
                          gint64            now)
{
  GPtrArray *batches = g_ptr_array_new_with_free_func ((GDestroyNotify) vz_alert_batch_free);
  g_autoptr(GPtrArray) sorts = NULL;       /* GPtrArray of Waiting*, per sort */
  g_autoptr(GHashTable) by_sort = NULL;

  g_return_val_if_fail (VZ_IS_ALERT_COALESCER (self), batches);

  if (self->waiting->len == 0 || now < self->opened + self->window_us)
    return batches;

  sorts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  by_sort = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->waiting->len; i++)
    {
      Waiting *w = g_ptr_array_index (self->waiting, i);
      GPtrArray *sort = g_hash_table_lookup (by_sort, w->sort);

      if (sort == NULL)
        {
          sort = g_ptr_array_new ();
          g_ptr_array_add (sorts, sort);
          g_hash_table_insert (by_sort, w->sort, sort);
        }
      g_ptr_array_add (sort, w);
    }

  if (self->waiting->len <= MAX_BATCHES)
    for (guint i = 0; i < self->waiting->len; i++)
      g_ptr_array_add (batches, batch_of_one (g_ptr_array_index (self->waiting, i)));
  else if (sorts->len <= MAX_BATCHES)
    for (guint i = 0; i < sorts->len; i++)
      g_ptr_array_add (batches, batch_of_sort (g_ptr_array_index (sorts, i)));
  else
    g_ptr_array_add (batches, batch_of_all (self->waiting));

  g_hash_table_remove_all (self->ids);
  g_ptr_array_set_size (self->waiting, 0);
  return batches;
}

gboolean
vz_quiet_hours_contain (int start,
                        int end,
                        int minute)
{
  if (start == end)
    return FALSE;
  if (start < end)
    return minute >= start && minute < end;
  return minute >= start || minute < end;
}
