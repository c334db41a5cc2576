/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-undo-stack"

#include "vz-undo-stack.h"

#define DEFAULT_LIMIT 100

typedef struct {
  GPtrArray *mutations;  /* VzMutation*, owned */
  char      *label;
} Entry;

static void
entry_free (Entry *entry)
{
  g_ptr_array_unref (entry->mutations);
  g_free (entry->label);
  g_free (entry);
}

struct _VzUndoStack
{
  GObject  parent_instance;

  guint    limit;
  GQueue   entries;    /* Entry*, newest at the head */
};

G_DEFINE_FINAL_TYPE (VzUndoStack, vz_undo_stack, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LIMIT,
  PROP_CAN_UNDO,
  PROP_UNDO_LABEL,
  PROP_N_ENTRIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Called with the values from before a change: notifies what moved. */
static void
notify_changes (VzUndoStack *self,
                guint        old_n,
                const char  *old_label)
{
  guint n = self->entries.length;
  const char *label = vz_undo_stack_get_undo_label (self);

  if (old_n != n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ENTRIES]);
  if ((old_n > 0) != (n > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (g_strcmp0 (old_label, label) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_LABEL]);
}

static void
vz_undo_stack_finalize (GObject *object)
{
  VzUndoStack *self = VZ_UNDO_STACK (object);

  g_queue_clear_full (&self->entries, (GDestroyNotify) entry_free);

  G_OBJECT_CLASS (vz_undo_stack_parent_class)->finalize (object);
}

static void
vz_undo_stack_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VzUndoStack *self = VZ_UNDO_STACK (object);

  switch (prop_id)
    {
    case PROP_LIMIT:
      g_value_set_uint (value, self->limit);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, vz_undo_stack_get_can_undo (self));
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, vz_undo_stack_get_undo_label (self));
      break;
    case PROP_N_ENTRIES:
      g_value_set_uint (value, self->entries.length);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_undo_stack_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VzUndoStack *self = VZ_UNDO_STACK (object);

  switch (prop_id)
    {
    case PROP_LIMIT:
      self->limit = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_undo_stack_class_init (VzUndoStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = vz_undo_stack_finalize;
  object_class->get_property = vz_undo_stack_get_property;
  object_class->set_property = vz_undo_stack_set_property;

  properties[PROP_LIMIT] =
    g_param_spec_uint ("limit", NULL, NULL, 1, G_MAXUINT, DEFAULT_LIMIT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, ro);
  properties[PROP_UNDO_LABEL] = g_param_spec_string ("undo-label", NULL, NULL, NULL, ro);
  properties[PROP_N_ENTRIES] = g_param_spec_uint ("n-entries", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_undo_stack_init (VzUndoStack *self)
{
  self->limit = DEFAULT_LIMIT;
  g_queue_init (&self->entries);
}

VzUndoStack *
vz_undo_stack_new (guint limit)
{
  g_return_val_if_fail (limit >= 1, NULL);

  return g_object_new (VZ_TYPE_UNDO_STACK, "limit", limit, NULL);
}

void
vz_undo_stack_push (VzUndoStack *self,
                    GPtrArray   *mutations,
                    const char  *label)
{
  g_autofree char *old_label = NULL;
  guint old_n;
  Entry *entry;

  g_return_if_fail (VZ_IS_UNDO_STACK (self));
  g_return_if_fail (mutations != NULL && mutations->len > 0);

  old_n = self->entries.length;
  old_label = g_strdup (vz_undo_stack_get_undo_label (self));

  entry = g_new0 (Entry, 1);
  entry->mutations = g_ptr_array_new_full (mutations->len, g_object_unref);
  for (guint i = 0; i < mutations->len; i++)
    g_ptr_array_add (entry->mutations, g_object_ref (VZ_MUTATION (g_ptr_array_index (mutations, i))));
  entry->label = g_strdup (label);
  g_queue_push_head (&self->entries, entry);

  while (self->entries.length > self->limit)
    entry_free (g_queue_pop_tail (&self->entries));

  notify_changes (self, old_n, old_label);
}

GPtrArray *
vz_undo_stack_pop (VzUndoStack  *self,
                   char        **label)
{
  g_autofree char *old_label = NULL;
  guint old_n;
  Entry *entry;
  GPtrArray *mutations;

  g_return_val_if_fail (VZ_IS_UNDO_STACK (self), NULL);

  if (label != NULL)
    *label = NULL;
  if (self->entries.length == 0)
    return NULL;

  old_n = self->entries.length;
  old_label = g_strdup (vz_undo_stack_get_undo_label (self));
  entry = g_queue_pop_head (&self->entries);
  mutations = g_steal_pointer (&entry->mutations);
  if (label != NULL)
    *label = g_steal_pointer (&entry->label);
  g_free (entry->label);
  g_free (entry);

  notify_changes (self, old_n, old_label);
  return mutations;
}

GPtrArray *
vz_undo_stack_peek (VzUndoStack *self)
{
  Entry *entry;

  g_return_val_if_fail (VZ_IS_UNDO_STACK (self), NULL);

  entry = g_queue_peek_head (&self->entries);
  return entry != NULL ? entry->mutations : NULL;
}

gboolean
vz_undo_stack_forget_mutation (VzUndoStack *self,
                               const char  *mutation_id)
{
  g_autofree char *old_label = NULL;
  guint old_n;

  g_return_val_if_fail (VZ_IS_UNDO_STACK (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);

  old_n = self->entries.length;
  old_label = g_strdup (vz_undo_stack_get_undo_label (self));

  /* The history is short (the limit), and this runs once per rollback. */
  for (GList *l = self->entries.head; l != NULL; l = l->next)
    {
      Entry *entry = l->data;

      for (guint i = 0; i < entry->mutations->len; i++)
        {
          VzMutation *m = g_ptr_array_index (entry->mutations, i);

          if (g_strcmp0 (vz_mutation_get_id (m), mutation_id) != 0)
            continue;
          g_ptr_array_remove_index (entry->mutations, i);
          if (entry->mutations->len == 0)
            {
              entry_free (entry);
              g_queue_delete_link (&self->entries, l);
            }
          notify_changes (self, old_n, old_label);
          return TRUE;
        }
    }
  return FALSE;
}

static Entry *
entry_holding (VzUndoStack *self,
               const char  *mutation_id)
{
  for (GList *l = self->entries.head; l != NULL; l = l->next)
    {
      Entry *entry = l->data;

      for (guint i = 0; i < entry->mutations->len; i++)
        if (g_strcmp0 (vz_mutation_get_id (g_ptr_array_index (entry->mutations, i)), mutation_id) == 0)
          return entry;
    }
  return NULL;
}

const char *
vz_undo_stack_lookup_label (VzUndoStack *self,
                            const char  *mutation_id)
{
  Entry *entry;

  g_return_val_if_fail (VZ_IS_UNDO_STACK (self), NULL);
  g_return_val_if_fail (mutation_id != NULL, NULL);

  entry = entry_holding (self, mutation_id);
  return entry != NULL ? entry->label : NULL;
}

gboolean
vz_undo_stack_relabel (VzUndoStack *self,
                       const char  *mutation_id,
                       const char  *label)
{
  g_autofree char *old_label = NULL;
  Entry *entry;

  g_return_val_if_fail (VZ_IS_UNDO_STACK (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);

  entry = entry_holding (self, mutation_id);
  if (entry == NULL)
    return FALSE;
  old_label = g_strdup (vz_undo_stack_get_undo_label (self));
  g_free (entry->label);
  entry->label = g_strdup (label);
  notify_changes (self, self->entries.length, old_label);
  return TRUE;
}

void
vz_undo_stack_clear (VzUndoStack *self)
{
  g_autofree char *old_label = NULL;
  guint old_n;

  g_return_if_fail (VZ_IS_UNDO_STACK (self));

  old_n = self->entries.length;
  old_label = g_strdup (vz_undo_stack_get_undo_label (self));
  g_queue_clear_full (&self->entries, (GDestroyNotify) entry_free);
  notify_changes (self, old_n, old_label);
}

guint
vz_undo_stack_get_limit (VzUndoStack *self)
{
  g_return_val_if_fail (VZ_IS_UNDO_STACK (self), 0);
  return self->limit;
}

guint
vz_undo_stack_get_n_entries (VzUndoStack *self)
{
  g_return_val_if_fail (VZ_IS_UNDO_STACK (self), 0);
  return self->entries.length;
}

gboolean
vz_undo_stack_get_can_undo (VzUndoStack *self)
{
  g_return_val_if_fail (VZ_IS_UNDO_STACK (self), FALSE);
  return self->entries.length > 0;
}

const char *
vz_undo_stack_get_undo_label (VzUndoStack *self)
{
  Entry *entry;

  g_return_val_if_fail (VZ_IS_UNDO_STACK (self), NULL);

  entry = g_queue_peek_head (&self->entries);
  return entry != NULL ? entry->label : NULL;
}
