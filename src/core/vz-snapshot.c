/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-snapshot"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-outbox.h"
#include "vz-snapshot-private.h"

G_DEFINE_QUARK (vz-snapshot-error-quark, vz_snapshot_error)

#define DEFAULT_INTERVAL  30

enum {
  PROP_0,
  PROP_PATH,
  PROP_INTERVAL,
  PROP_SAVED_AT,
  PROP_DIRTY,
  PROP_PAUSED,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VzSnapshot, vz_snapshot, G_TYPE_OBJECT)

static void
section_free (VzSnapshotSection *section)
{
  g_free (section->member);
  g_object_unref (section->store);
  g_free (section);
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                    */

char *
vz_snapshot_path_beside (const char *outbox_path)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (outbox_path != NULL, NULL);

  dir = g_path_get_dirname (outbox_path);
  return g_build_filename (dir, "snapshot.json", NULL);
}

char *
vz_snapshot_path_for_account (const char *account_id)
{
  g_autofree char *outbox = NULL;

  g_return_val_if_fail (account_id != NULL, NULL);

  /* One folder per account, named exactly as the outbox's. */
  outbox = vz_outbox_path_for_account (account_id);
  return vz_snapshot_path_beside (outbox);
}

/* ------------------------------------------------------------------------ */
/* State                                                                    */

void
_vz_snapshot_set_saved_at (VzSnapshot *self,
                           GDateTime  *taken)
{
  if (self->saved_at == taken ||
      (self->saved_at != NULL && taken != NULL && g_date_time_equal (self->saved_at, taken)))
    return;
  g_clear_pointer (&self->saved_at, g_date_time_unref);
  self->saved_at = taken != NULL ? g_date_time_ref (taken) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVED_AT]);
}

void
_vz_snapshot_set_dirty (VzSnapshot *self,
                        gboolean    dirty)
{
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

void
_vz_snapshot_emit_saved (VzSnapshot   *self,
                         const GError *error)
{
  g_signal_emit (self, signals[SAVED], 0, error);
}

void
vz_snapshot_mark_dirty (VzSnapshot *self)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  _vz_snapshot_set_dirty (self, TRUE);
  _vz_snapshot_schedule (self);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  vz_snapshot_mark_dirty (VZ_SNAPSHOT (user_data));
}

/* ------------------------------------------------------------------------ */
/* Age                                                                      */

char *
vz_snapshot_describe_age (GDateTime *taken,
                          GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) current = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *ago = NULL;
  GTimeSpan span;
  gint64 minutes, hours, days;

  g_return_val_if_fail (taken != NULL, NULL);

  current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_local ();
  local = g_date_time_to_local (taken);
  span = g_date_time_difference (current, taken);
  minutes = MAX (span, 0) / G_TIME_SPAN_MINUTE;
  hours = minutes / 60;
  days = hours / 24;

  if (minutes < 1)
    ago = g_strdup (_("just now"));
  else if (minutes < 60)
    ago = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d minute ago", "%'d minutes ago", minutes),
                           (int) minutes);
  else if (hours < 24)
    ago = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d hour ago", "%'d hours ago", hours), (int) hours);
  else
    ago = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d day ago", "%'d days ago", days), (int) days);

  /* Older than a day: the time alone would mislead, so name the day. */
  clock = g_date_time_format (local, days >= 1 ? "%-d %b %H:%M" : "%H:%M");
  g_strstrip (clock);
  /* Translators: the first %s is a time such as 10:42, the second how long ago, e.g. "2 hours ago" */
  return g_strdup_printf (_("Showing the fleet as of %s (%s)"), clock, ago);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
vz_snapshot_dispose (GObject *object)
{
  VzSnapshot *self = VZ_SNAPSHOT (object);

  g_clear_handle_id (&self->save_source, g_source_remove);
  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    g_signal_handlers_disconnect_by_data (((VzSnapshotSection *) g_ptr_array_index (self->sections, i))->store, self);
  g_clear_pointer (&self->sections, g_ptr_array_unref);

  G_OBJECT_CLASS (vz_snapshot_parent_class)->dispose (object);
}

static void
vz_snapshot_finalize (GObject *object)
{
  VzSnapshot *self = VZ_SNAPSHOT (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->saved_at, g_date_time_unref);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (vz_snapshot_parent_class)->finalize (object);
}

static void
vz_snapshot_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VzSnapshot *self = VZ_SNAPSHOT (object);

  switch (prop_id)
    {
    case PROP_PATH:     g_value_set_string (value, self->path); break;
    case PROP_INTERVAL: g_value_set_uint (value, self->interval); break;
    case PROP_SAVED_AT: g_value_set_boxed (value, self->saved_at); break;
    case PROP_DIRTY:    g_value_set_boolean (value, self->dirty); break;
    case PROP_PAUSED:   g_value_set_boolean (value, self->paused); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_snapshot_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VzSnapshot *self = VZ_SNAPSHOT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_INTERVAL:
      vz_snapshot_set_interval (self, g_value_get_uint (value));
      break;
    case PROP_PAUSED:
      vz_snapshot_set_paused (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_snapshot_class_init (VzSnapshotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = vz_snapshot_dispose;
  object_class->finalize = vz_snapshot_finalize;
  object_class->get_property = vz_snapshot_get_property;
  object_class->set_property = vz_snapshot_set_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, construct);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, 24 * 3600, DEFAULT_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SAVED_AT] = g_param_spec_boxed ("saved-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_DIRTY] = g_param_spec_boolean ("dirty", NULL, NULL, FALSE, ro);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
vz_snapshot_init (VzSnapshot *self)
{
  self->interval = DEFAULT_INTERVAL;
  self->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

VzSnapshot *
vz_snapshot_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (VZ_TYPE_SNAPSHOT, "path", path, NULL);
}

void
vz_snapshot_add_store (VzSnapshot *self,
                       const char *member,
                       VzStore    *store)
{
  VzSnapshotSection *section;

  g_return_if_fail (VZ_IS_SNAPSHOT (self));
  g_return_if_fail (member != NULL);
  g_return_if_fail (VZ_IS_STORE (store));
  g_return_if_fail (vz_snapshot_get_store (self, member) == NULL);

  section = g_new0 (VzSnapshotSection, 1);
  section->member = g_strdup (member);
  section->store = g_object_ref (store);
  g_ptr_array_add (self->sections, section);
  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), self);
}

VzStore *
vz_snapshot_get_store (VzSnapshot *self,
                       const char *member)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), NULL);
  g_return_val_if_fail (member != NULL, NULL);

  for (guint i = 0; i < self->sections->len; i++)
    {
      VzSnapshotSection *section = g_ptr_array_index (self->sections, i);

      if (g_str_equal (section->member, member))
        return section->store;
    }
  return NULL;
}

const char *
vz_snapshot_get_path (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), NULL);
  return self->path;
}

GDateTime *
vz_snapshot_get_saved_at (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), NULL);
  return self->saved_at;
}

gboolean
vz_snapshot_get_dirty (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), FALSE);
  return self->dirty;
}

guint
vz_snapshot_get_interval (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), 0);
  return self->interval;
}

void
vz_snapshot_set_interval (VzSnapshot *self,
                          guint       seconds)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));
  g_return_if_fail (seconds >= 1);

  if (self->interval == seconds)
    return;
  self->interval = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

gboolean
vz_snapshot_get_paused (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), FALSE);
  return self->paused;
}

void
vz_snapshot_set_paused (VzSnapshot *self,
                        gboolean    paused)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  if (paused)
    g_clear_handle_id (&self->save_source, g_source_remove);
  else if (self->dirty)
    _vz_snapshot_schedule (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}
