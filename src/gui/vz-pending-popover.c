/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-pending-popover"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-pending-popover.h"
#include "vz-pending-popover-private.h"

/* Rows are 50–110 px (a failed row has its reason and buttons). */
#define ROW_HEIGHT_ESTIMATE 80
#define MIN_VISIBLE_ROWS 4

struct _VzPendingPopover
{
  GtkPopover        parent_instance;

  VzSyncEngine     *engine;
  GtkBuilderScope  *row_scope;     /* the callbacks of vz-pending-row.ui */
  GSignalGroup     *engine_signals;
  GSignalGroup     *outbox_signals;
  GBindingGroup    *engine_bindings;
  GtkFilterListModel *changes;     /* the outbox, one entry per change made */
  GHashTable       *leaders;       /* batch id → the first of its mutations queued */
  GtkNoSelection   *selection;

  /* template children */
  GtkLabel         *heading_label;
  GtkLabel         *availability_label;
  GtkWidget        *held_box;
  GtkStack         *stack;
  GtkScrolledWindow *scroller;
  GtkListView      *list_view;
};

G_DEFINE_FINAL_TYPE (VzPendingPopover, vz_pending_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the row's closures (vz-pending-row.ui; this = the GtkListItem) ---- */

static char *
row_state_label (gpointer        this_,
                     VzMutationState state,
                     gpointer        user_data)
{
  switch (state)
    {
    case VZ_MUTATION_STATE_QUEUED:
      return g_strdup (_("Waiting"));
    case VZ_MUTATION_STATE_SENDING:
      return g_strdup (_("Sending…"));
    case VZ_MUTATION_STATE_FAILED:
      return g_strdup (_("Failed"));
    case VZ_MUTATION_STATE_CONFLICT:
      return g_strdup (_("Conflict"));
    default:
      return g_strdup ("");
    }
}

static GStrv
row_state_classes (gpointer        this_,
                       VzMutationState state,
                       gpointer        user_data)
{
  GStrv classes = g_new0 (char *, 4);

  classes[0] = g_strdup ("caption");
  classes[1] = g_strdup ("vz-pending-state");
  if (state == VZ_MUTATION_STATE_FAILED)
    classes[2] = g_strdup ("error");
  else if (state == VZ_MUTATION_STATE_CONFLICT)
    classes[2] = g_strdup ("warning");
  else
    classes[2] = g_strdup ("dim-label");
  return classes;
}

static gboolean
row_is_failed (gpointer        this_,
                   VzMutationState state,
                   gpointer        user_data)
{
  return state == VZ_MUTATION_STATE_FAILED;
}

static gboolean
row_is_conflict (gpointer        this_,
                     VzMutationState state,
                     gpointer        user_data)
{
  return state == VZ_MUTATION_STATE_CONFLICT;
}

static char *
row_text_or_empty (gpointer    this_,
                       const char *text,
                       gpointer    user_data)
{
  return g_strdup (text != NULL ? text : "");
}

static gboolean
row_has_text (gpointer    this_,
                  const char *text,
                  gpointer    user_data)
{
  return text != NULL && *text != '\0';
}

/* What people call the fields a change can touch (the wire names). */
static const char *
field_label (const char *member)
{
  if (g_str_equal (member, "name"))
    return _("name");
  if (g_str_equal (member, "location"))
    return _("location");
  if (g_str_equal (member, "timezone"))
    return _("time zone");
  if (g_str_equal (member, "orientation"))
    return _("orientation");
  if (g_str_equal (member, "description"))
    return _("description");
  if (g_str_equal (member, "currentPlaylistId"))
    return _("playlist");
  if (g_str_equal (member, "groupId"))
    return _("group");
  return member;
}

static char *
format_value (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (_("none"));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      /* Translators: a value a colleague set, in quotes */
      return *text != '\0' ? g_strdup_printf (_("“%s”"), text) : g_strdup (_("empty"));
    }
  return json_to_string (node, FALSE);
}

/* "Theirs: name “Reception”, location empty" while in conflict, else "". */
static char *
row_theirs (gpointer         this_,
            VzSyncEngine    *engine,
            VzMutation      *mutation,
            VzMutationState  state,
            gpointer         user_data)
{
  JsonObject *theirs;
  JsonObject *changes;
  g_autoptr(GString) text = NULL;
  g_autoptr(GList) members = NULL;

  if (state != VZ_MUTATION_STATE_CONFLICT || mutation == NULL || engine == NULL)
    return g_strdup ("");

  theirs = vz_sync_engine_get_conflict_theirs (engine, vz_mutation_get_id (mutation));
  if (theirs == NULL)
    return g_strdup ("");

  text = g_string_new (NULL);
  changes = vz_mutation_get_changes (mutation);
  members = json_object_get_members (theirs);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *value = NULL;

      /* Only the fields the person changed are in question (the server's
       * answer may carry bookkeeping such as its version). */
      if (changes != NULL && !json_object_has_member (changes, l->data))
        continue;
      value = format_value (json_object_get_member (theirs, l->data));

      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: "name “Reception”": a field and a colleague's value */
      g_string_append_printf (text, _("%s %s"), field_label (l->data), value);
    }
  if (text->len == 0)
    return g_strdup ("");

  /* Translators: the colleague's values of the fields in conflict */
  return g_strdup_printf (_("Theirs: %s"), text->str);
}

/* What a change does never changes: worded once per row it is shown in. */
static char *
row_description (gpointer      this_,
                 VzSyncEngine *engine,
                 VzMutation   *mutation,
                 gpointer      user_data)
{
  if (engine == NULL || mutation == NULL)
    return g_strdup ("");
  return vz_sync_engine_describe_change (engine, mutation);
}

/* The buttons' actions take the change's id. */
static GVariant *
row_target (gpointer    this_,
            const char *mutation_id,
            gpointer    user_data)
{
  return g_variant_new_string (mutation_id != NULL ? mutation_id : "");
}

/* ---- rows ---- */

static void
row_setup (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           VzPendingPopover         *self)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GError) error = NULL;

  g_assert (VZ_IS_PENDING_POPOVER (self));

  gtk_builder_set_scope (builder, self->row_scope);
  gtk_builder_set_current_object (builder, G_OBJECT (list_item));
  gtk_builder_expose_object (builder, "popover", G_OBJECT (self));
  if (!gtk_builder_add_from_resource (builder, "/cloud/vizora/Desktop/vz-pending-row.ui", &error))
    g_error ("The pending-changes row cannot be built: %s", error->message);

  gtk_list_item_set_child (list_item, GTK_WIDGET (gtk_builder_get_object (builder, "row")));
  gtk_list_item_set_activatable (list_item, FALSE);
}

/* ---- one entry per change made ---- */

/*
 * A change a person made that became several requests (a playlist item
 * added at a place: added, then moved; a screen moved between groups) is
 * one batch in the outbox: the list shows it once, as the first of its
 * mutations still queued, and Discard takes all of them.
 */
static void
find_leaders (VzPendingPopover *self)
{
  GListModel *outbox = gtk_filter_list_model_get_model (self->changes);
  guint n = outbox != NULL ? g_list_model_get_n_items (outbox) : 0;

  self->leaders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (outbox, i);
      const char *batch = vz_mutation_get_batch_id (m);

      if (batch != NULL && !g_hash_table_contains (self->leaders, batch))
        g_hash_table_insert (self->leaders, g_strdup (batch), m);
    }
}

static gboolean
leads_its_change (gpointer item,
                  gpointer user_data)
{
  VzPendingPopover *self = user_data;
  const char *batch = vz_mutation_get_batch_id (item);
  VzMutation *leader;

  if (batch == NULL)
    return TRUE;
  if (self->leaders == NULL)
    find_leaders (self);
  /* A batch queued since: the filter meets its mutations in queue order. */
  leader = g_hash_table_lookup (self->leaders, batch);
  if (leader == NULL)
    {
      g_hash_table_insert (self->leaders, g_strdup (batch), item);
      return TRUE;
    }
  return leader == item;
}

/* After the filter has taken the outbox's change (connected after it): a
 * batch whose first mutation left shows the next one. */
static void
on_outbox_changed (VzPendingPopover *self,
                   guint             position,
                   guint             removed,
                   guint             added)
{
  gboolean had_batches = self->leaders != NULL && g_hash_table_size (self->leaders) > 0;

  g_assert (VZ_IS_PENDING_POPOVER (self));

  if (removed == 0 || !had_batches)
    return;
  g_clear_pointer (&self->leaders, g_hash_table_unref);
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->changes), GTK_FILTER_CHANGE_DIFFERENT);
}

/* ---- state ---- */

static void
update_state (VzPendingPopover *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->changes));
  const char *state = n > 0 ? "list" : "empty";

  /* A list view measures only the rows it has made, so the popover would
   * open as tall as its first rows; it asks for room for a few up front and
   * scrolls past that (the outbox may hold thousands). */
  gtk_scrolled_window_set_min_content_height (self->scroller, (int) MIN (n, MIN_VISIBLE_ROWS) * ROW_HEIGHT_ESTIMATE);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), state) != 0)
    gtk_stack_set_visible_child_name (self->stack, state);
}

/* @format (a plural form for @n) after " · " unless first; none for 0. */
static void
append_count (GString    *heading,
              const char *format,
              guint       n)
{
  if (n == 0)
    return;
  if (heading->len > 0)
    g_string_append (heading, " · ");
  g_string_append_printf (heading, format, n);
}

/* What waits for the person first: "1 Conflict · 2 Changes Waiting". */
static void
update_heading (VzPendingPopover *self)
{
  /* Changes made, not requests: a batch is one. */
  guint pending = self->engine != NULL && vz_sync_engine_get_pending_count (self->engine) > 0
                  ? g_list_model_get_n_items (G_LIST_MODEL (self->changes)) : 0;
  guint failed = self->engine != NULL ? vz_sync_engine_get_failed_count (self->engine) : 0;
  guint conflicts = self->engine != NULL ? vz_sync_engine_get_conflict_count (self->engine) : 0;
  guint waiting = pending - MIN (pending, failed + conflicts);
  g_autoptr(GString) heading = g_string_new (NULL);

  append_count (heading, g_dngettext (GETTEXT_PACKAGE, "%'u Conflict", "%'u Conflicts", conflicts), conflicts);
  append_count (heading, g_dngettext (GETTEXT_PACKAGE, "%'u Change Failed", "%'u Changes Failed", failed), failed);
  append_count (heading, g_dngettext (GETTEXT_PACKAGE, "%'u Change Waiting", "%'u Changes Waiting", waiting), waiting);
  if (heading->len == 0)
    g_string_append (heading, _("All Changes Saved"));

  if (g_strcmp0 (gtk_label_get_label (self->heading_label), heading->str) != 0)
    gtk_label_set_label (self->heading_label, heading->str);
}

/* The engine opens its outbox (the list) after it starts. */
static void
update_model (VzPendingPopover *self)
{
  VzOutbox *outbox = self->engine != NULL ? vz_sync_engine_get_outbox (self->engine) : NULL;

  if (gtk_filter_list_model_get_model (self->changes) == G_LIST_MODEL (outbox))
    return;

  g_signal_group_set_target (self->outbox_signals, outbox);
  g_clear_pointer (&self->leaders, g_hash_table_unref);
  gtk_filter_list_model_set_model (self->changes, G_LIST_MODEL (outbox));
  update_state (self);
}

/* ---- actions ---- */

static void
report (VzPendingPopover *self,
        gboolean          ok,
        GError           *error)
{
  /* A change that left the outbox meanwhile (committed, or discarded
   * elsewhere) needs nothing more: the list already shows that. */
  if (ok || g_error_matches (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_NOT_FOUND))
    return;
  vz_gui_toast (GTK_WIDGET (self), error->message);
}

static void
pending_retry (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzPendingPopover *self = VZ_PENDING_POPOVER (widget);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->engine == NULL)
    return;
  ok = vz_sync_engine_retry_change (self->engine, g_variant_get_string (parameter, NULL), &error);
  report (self, ok, error);
}

/* The entry's change: its mutation and the rest of its batch still queued. */
static void
pending_discard (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VzPendingPopover *self = VZ_PENDING_POPOVER (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  VzOutbox *outbox = self->engine != NULL ? vz_sync_engine_get_outbox (self->engine) : NULL;
  VzMutation *m = outbox != NULL ? vz_outbox_lookup (outbox, id) : NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->engine == NULL)
    return;
  if (m != NULL && vz_mutation_get_batch_id (m) != NULL)
    batch = vz_outbox_list_batch (outbox, vz_mutation_get_batch_id (m));
  /* The newest first: each one's rollback finds the record as it left it. */
  for (guint i = batch != NULL ? batch->len : 0; i > 0; i--)
    {
      VzMutation *other = g_ptr_array_index (batch, i - 1);

      if (other != m)
        vz_sync_engine_discard_change (self->engine, vz_mutation_get_id (other), NULL);
    }
  ok = vz_sync_engine_discard_change (self->engine, id, &error);
  report (self, ok, error);
}

static void
resolve (VzPendingPopover     *self,
         GVariant             *parameter,
         VzConflictResolution  resolution)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->engine == NULL)
    return;
  ok = vz_sync_engine_resolve_conflict (self->engine, g_variant_get_string (parameter, NULL), resolution, &error);
  report (self, ok, error);
}

static void
pending_keep_mine (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  resolve (VZ_PENDING_POPOVER (widget), parameter, VZ_CONFLICT_KEEP_MINE);
}

static void
pending_keep_theirs (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  resolve (VZ_PENDING_POPOVER (widget), parameter, VZ_CONFLICT_KEEP_THEIRS);
}

static void
pending_send_held (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VzPendingPopover *self = VZ_PENDING_POPOVER (widget);

  if (self->engine != NULL)
    vz_sync_engine_send_held (self->engine);
}

/* ---- GObject ---- */

static void
vz_pending_popover_dispose (GObject *object)
{
  VzPendingPopover *self = VZ_PENDING_POPOVER (object);

  g_clear_object (&self->engine_signals);
  g_clear_object (&self->outbox_signals);
  g_clear_object (&self->engine_bindings);
  g_clear_object (&self->engine);
  g_clear_object (&self->row_scope);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->changes);
  g_clear_pointer (&self->leaders, g_hash_table_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_PENDING_POPOVER);

  G_OBJECT_CLASS (vz_pending_popover_parent_class)->dispose (object);
}

static void
vz_pending_popover_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VzPendingPopover *self = VZ_PENDING_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_pending_popover_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VzPendingPopover *self = VZ_PENDING_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_pending_popover_set_sync_engine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_pending_popover_class_init (VzPendingPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_pending_popover_dispose;
  object_class->get_property = vz_pending_popover_get_property;
  object_class->set_property = vz_pending_popover_set_property;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL,
                         VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-pending-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, heading_label);
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, availability_label);
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, held_box);
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, stack);
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, scroller);
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, list_view);

  gtk_widget_class_install_action (widget_class, "pending.retry", "s", pending_retry);
  gtk_widget_class_install_action (widget_class, "pending.discard", "s", pending_discard);
  gtk_widget_class_install_action (widget_class, "pending.keep-mine", "s", pending_keep_mine);
  gtk_widget_class_install_action (widget_class, "pending.keep-theirs", "s", pending_keep_theirs);
  gtk_widget_class_install_action (widget_class, "pending.send-held", NULL, pending_send_held);
}

static void
vz_pending_popover_init (VzPendingPopover *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->row_scope = gtk_builder_cscope_new ();
  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (self->row_scope),
                                           "row_description", G_CALLBACK (row_description),
                                           "row_state_label", G_CALLBACK (row_state_label),
                                           "row_state_classes", G_CALLBACK (row_state_classes),
                                           "row_text_or_empty", G_CALLBACK (row_text_or_empty),
                                           "row_has_text", G_CALLBACK (row_has_text),
                                           "row_theirs", G_CALLBACK (row_theirs),
                                           "row_is_failed", G_CALLBACK (row_is_failed),
                                           "row_is_conflict", G_CALLBACK (row_is_conflict),
                                           "row_target", G_CALLBACK (row_target),
                                           NULL);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (row_setup), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  self->changes = gtk_filter_list_model_new (NULL, GTK_FILTER (gtk_custom_filter_new (leads_its_change, self, NULL)));
  self->selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->changes)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  self->engine_signals = g_signal_group_new (VZ_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "notify::outbox", G_CALLBACK (update_model), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::pending-count", G_CALLBACK (update_heading), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::failed-count", G_CALLBACK (update_heading), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::conflict-count", G_CALLBACK (update_heading), self);

  self->outbox_signals = g_signal_group_new (VZ_TYPE_OUTBOX);
  g_signal_group_connect_data (self->outbox_signals, "items-changed", G_CALLBACK (on_outbox_changed), self, NULL,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (self->changes, "items-changed", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->changes, "items-changed", G_CALLBACK (update_heading), self, G_CONNECT_SWAPPED);

  self->engine_bindings = g_binding_group_new ();
  g_binding_group_bind_full (self->engine_bindings, "availability",
                             self->availability_label, "label", G_BINDING_SYNC_CREATE,
                             vz_gui_transform_text_if_set, NULL, NULL, NULL);
  g_binding_group_bind_full (self->engine_bindings, "availability",
                             self->availability_label, "visible", G_BINDING_SYNC_CREATE,
                             vz_gui_transform_text_is_set, NULL, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->availability_label), FALSE);
  /* Changes made offline, held back by the settings: Send Now. */
  g_binding_group_bind (self->engine_bindings, "holding", self->held_box, "visible", G_BINDING_SYNC_CREATE);

  update_state (self);
}

GtkWidget *
vz_pending_popover_new (void)
{
  return g_object_new (VZ_TYPE_PENDING_POPOVER, NULL);
}

VzSyncEngine *
vz_pending_popover_get_sync_engine (VzPendingPopover *self)
{
  g_return_val_if_fail (VZ_IS_PENDING_POPOVER (self), NULL);

  return self->engine;
}

void
vz_pending_popover_set_sync_engine (VzPendingPopover *self,
                                    VzSyncEngine     *engine)
{
  g_return_if_fail (VZ_IS_PENDING_POPOVER (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;

  g_signal_group_set_target (self->engine_signals, engine);
  g_binding_group_set_source (self->engine_bindings, engine);
  if (engine == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->availability_label), FALSE);
      gtk_widget_set_visible (self->held_box, FALSE);
    }
  update_model (self);
  update_heading (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

/* ---- private, for tests ---- */

const char *
_vz_pending_popover_get_state (VzPendingPopover *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkListView *
_vz_pending_popover_get_list_view (VzPendingPopover *self)
{
  return self->list_view;
}

const char *
_vz_pending_popover_get_heading (VzPendingPopover *self)
{
  return gtk_label_get_label (self->heading_label);
}

const char *
_vz_pending_popover_get_availability (VzPendingPopover *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->availability_label)))
    return NULL;
  return gtk_label_get_label (self->availability_label);
}
