/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-fleet-summary"

#include <string.h>

#include "vz-fleet-summary.h"

typedef enum {
  BUCKET_ONLINE,
  BUCKET_OFFLINE,
  BUCKET_OTHER,
  N_BUCKETS
} Bucket;

struct _VzFleetSummary
{
  GObject     parent_instance;

  VzStore    *store;
  GHashTable *counted;          /* VzDisplay* (ref) → bucket + 1 */
  guint       counts[N_BUCKETS];
};

G_DEFINE_FINAL_TYPE (VzFleetSummary, vz_fleet_summary, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_TOTAL,
  PROP_ONLINE,
  PROP_OFFLINE,
  PROP_OTHER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const guint bucket_props[N_BUCKETS] = { PROP_ONLINE, PROP_OFFLINE, PROP_OTHER };

static Bucket
bucket_of (VzDisplay *display)
{
  switch (vz_display_get_status (display))
    {
    case VZ_DISPLAY_STATUS_ONLINE:
      return BUCKET_ONLINE;
    case VZ_DISPLAY_STATUS_OFFLINE:
      return BUCKET_OFFLINE;
    default:
      return BUCKET_OTHER;
    }
}

static void
move (VzFleetSummary *self,
      int             from,
      int             to)
{
  if (from == to)
    return;
  if (from >= 0)
    {
      self->counts[from]--;
      g_object_notify_by_pspec (G_OBJECT (self), properties[bucket_props[from]]);
    }
  if (to >= 0)
    {
      self->counts[to]++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[bucket_props[to]]);
    }
}

/* A screen of the store changed its status (the store relays its items'
 * notifications: one connection for the whole fleet). */
static void
on_status (VzStore        *store,
           VzDisplay      *display,
           GParamSpec     *pspec,
           VzFleetSummary *self)
{
  int before = GPOINTER_TO_INT (g_hash_table_lookup (self->counted, display)) - 1;
  Bucket after = bucket_of (display);

  /* A screen added by the change that is being announced is counted when
   * the store says so. */
  if (before < 0)
    return;
  g_hash_table_insert (self->counted, display, GINT_TO_POINTER (after + 1));
  move (self, before, after);
}

/* Starts counting the store's items from @first to before @end that are not
 * counted yet. */
static void
count_new (VzFleetSummary *self,
           GListModel     *model,
           guint           first,
           guint           end,
           GHashTable     *present)
{
  for (guint i = first; i < end; i++)
    {
      g_autoptr(VzDisplay) item = g_list_model_get_item (model, i);

      if (present != NULL)
        g_hash_table_add (present, item);
      if (!g_hash_table_contains (self->counted, item))
        {
          Bucket b = bucket_of (item);

          g_hash_table_insert (self->counted, g_object_ref (item), GINT_TO_POINTER (b + 1));
          self->counts[b]++;
        }
    }
}

/* Screens came or went: whoever is no longer in the store stops counting,
 * whoever is new starts. The counts are notified once each at the end, not
 * once a screen: filling an empty store with 10,000 screens is one change.
 * When screens only came, only they are looked at. */
static void
on_items_changed (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  VzFleetSummary *self)
{
  g_autoptr(GHashTable) present = NULL;
  guint total_before = g_hash_table_size (self->counted);
  guint counts_before[N_BUCKETS];
  GHashTableIter iter;
  gpointer display, bucket;

  memcpy (counts_before, self->counts, sizeof counts_before);
  if (removed == 0)
    count_new (self, model, position, position + added, NULL);
  else
    {
      present = g_hash_table_new (NULL, NULL);
      count_new (self, model, 0, g_list_model_get_n_items (model), present);
      g_hash_table_iter_init (&iter, self->counted);
      while (g_hash_table_iter_next (&iter, &display, &bucket))
        if (!g_hash_table_contains (present, display))
          {
            self->counts[GPOINTER_TO_INT (bucket) - 1]--;
            g_hash_table_iter_steal (&iter);
            g_object_unref (display);
          }
    }

  for (guint b = 0; b < N_BUCKETS; b++)
    if (self->counts[b] != counts_before[b])
      g_object_notify_by_pspec (G_OBJECT (self), properties[bucket_props[b]]);
  if (g_hash_table_size (self->counted) != total_before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
}

static void
vz_fleet_summary_constructed (GObject *object)
{
  VzFleetSummary *self = VZ_FLEET_SUMMARY (object);

  G_OBJECT_CLASS (vz_fleet_summary_parent_class)->constructed (object);

  g_assert (VZ_IS_STORE (self->store));
  g_assert (g_type_is_a (vz_store_get_entity_type (self->store), VZ_TYPE_DISPLAY));
  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (on_items_changed), self, 0);
  g_signal_connect_object (self->store, "item-notify::status", G_CALLBACK (on_status), self, 0);
  on_items_changed (G_LIST_MODEL (self->store), 0, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)), self);
}

static void
vz_fleet_summary_dispose (GObject *object)
{
  VzFleetSummary *self = VZ_FLEET_SUMMARY (object);
  GHashTableIter iter;
  gpointer display;

  if (self->counted != NULL)
    {
      g_hash_table_iter_init (&iter, self->counted);
      while (g_hash_table_iter_next (&iter, &display, NULL))
        {
          g_hash_table_iter_steal (&iter);
          g_object_unref (display);
        }
    }
  g_clear_pointer (&self->counted, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (vz_fleet_summary_parent_class)->dispose (object);
}

static void
vz_fleet_summary_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VzFleetSummary *self = VZ_FLEET_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_TOTAL:
      g_value_set_uint (value, vz_fleet_summary_get_total (self));
      break;
    case PROP_ONLINE:
      g_value_set_uint (value, self->counts[BUCKET_ONLINE]);
      break;
    case PROP_OFFLINE:
      g_value_set_uint (value, self->counts[BUCKET_OFFLINE]);
      break;
    case PROP_OTHER:
      g_value_set_uint (value, self->counts[BUCKET_OTHER]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_fleet_summary_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VzFleetSummary *self = VZ_FLEET_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_fleet_summary_class_init (VzFleetSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = vz_fleet_summary_constructed;
  object_class->dispose = vz_fleet_summary_dispose;
  object_class->get_property = vz_fleet_summary_get_property;
  object_class->set_property = vz_fleet_summary_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VZ_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOTAL] = g_param_spec_uint ("total", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_ONLINE] = g_param_spec_uint ("online", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_OFFLINE] = g_param_spec_uint ("offline", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_OTHER] = g_param_spec_uint ("other", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_fleet_summary_init (VzFleetSummary *self)
{
  self->counted = g_hash_table_new (NULL, NULL);
}

VzFleetSummary *
vz_fleet_summary_new (VzStore *displays)
{
  g_return_val_if_fail (VZ_IS_STORE (displays), NULL);
  g_return_val_if_fail (g_type_is_a (vz_store_get_entity_type (displays), VZ_TYPE_DISPLAY), NULL);

  return g_object_new (VZ_TYPE_FLEET_SUMMARY, "store", displays, NULL);
}

guint
vz_fleet_summary_get_total (VzFleetSummary *self)
{
  g_return_val_if_fail (VZ_IS_FLEET_SUMMARY (self), 0);
  return g_hash_table_size (self->counted);
}

guint
vz_fleet_summary_get_online (VzFleetSummary *self)
{
  g_return_val_if_fail (VZ_IS_FLEET_SUMMARY (self), 0);
  return self->counts[BUCKET_ONLINE];
}

guint
vz_fleet_summary_get_offline (VzFleetSummary *self)
{
  g_return_val_if_fail (VZ_IS_FLEET_SUMMARY (self), 0);
  return self->counts[BUCKET_OFFLINE];
}

guint
vz_fleet_summary_get_other (VzFleetSummary *self)
{
  g_return_val_if_fail (VZ_IS_FLEET_SUMMARY (self), 0);
  return self->counts[BUCKET_OTHER];
}
