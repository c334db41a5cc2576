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
  GSignalGroup     *engine_signals;
  GSignalGroup     *outbox_signals;
  GBindingGroup    *engine_bindings;
  GtkNoSelection   *selection;

  /* template children */
  GtkLabel         *availability_label;
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

/* ---- expression closures (this = the GtkListItem) ---- */

static char *
state_label_closure (gpointer        this_,
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
state_classes_closure (gpointer        this_,
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
is_failed_closure (gpointer        this_,
                   VzMutationState state,
                   gpointer        user_data)
{
  return state == VZ_MUTATION_STATE_FAILED;
}

static gboolean
is_conflict_closure (gpointer        this_,
                     VzMutationState state,
                     gpointer        user_data)
{
  return state == VZ_MUTATION_STATE_CONFLICT;
}

static char *
text_or_empty_closure (gpointer    this_,
                       const char *text,
                       gpointer    user_data)
{
  return g_strdup (text != NULL ? text : "");
}

static gboolean
has_text_closure (gpointer    this_,
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
theirs_closure (GtkListItem     *list_item,
                VzMutationState  state,
                gpointer         user_data)
{
  VzPendingPopover *self = user_data;
  VzMutation *mutation = gtk_list_item_get_item (list_item);
  JsonObject *theirs;
  JsonObject *changes;
  g_autoptr(GString) text = NULL;
  g_autoptr(GList) members = NULL;

  if (state != VZ_MUTATION_STATE_CONFLICT || mutation == NULL || self->engine == NULL)
    return g_strdup ("");

  theirs = vz_sync_engine_get_conflict_theirs (self->engine, vz_mutation_get_id (mutation));
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

/* ---- rows ---- */

static GtkExpression *
mutation_property (const char *property)
{
  GtkExpression *item = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");

  return gtk_property_expression_new (VZ_TYPE_MUTATION, item, property);
}

static GtkExpression *
closure_of (GType       value_type,
            const char *property,
            GCallback   callback,
            gpointer    user_data)
{
  GtkExpression *params[1] = { mutation_property (property) };

  return gtk_cclosure_expression_new (value_type, NULL, 1, params, callback, user_data, NULL);
}

static GtkWidget *
row_button (const char *label,
            const char *action,
            const char *css_class)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  /* The row's mutation id replaces this target on bind; a button is never
   * without one, since the actions take a string. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (css_class != NULL)
    gtk_widget_add_css_class (button, css_class);
  return button;
}

static void
setup_caption (GtkWidget  *label,
               const char *css_class)
{
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, css_class);
}

static void
row_setup (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           VzPendingPopover         *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *description = gtk_label_new (NULL);
  GtkWidget *state = gtk_label_new (NULL);
  GtkWidget *reason = gtk_label_new (NULL);
  GtkWidget *theirs = gtk_label_new (NULL);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *failed_buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *conflict_buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *retry = row_button (_("_Retry"), "pending.retry", NULL);
  GtkWidget *discard = row_button (_("_Discard"), "pending.discard", "destructive-action");
  GtkWidget *keep_theirs = row_button (_("Keep _Theirs"), "pending.keep-theirs", NULL);
  GtkWidget *keep_mine = row_button (_("Keep _Mine"), "pending.keep-mine", "suggested-action");

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (description), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (description, TRUE);
  gtk_widget_add_css_class (description, "vz-pending-description");
  gtk_widget_set_valign (state, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (top), description);
  gtk_box_append (GTK_BOX (top), state);
  gtk_box_append (GTK_BOX (box), top);

  setup_caption (reason, "vz-pending-reason");
  gtk_box_append (GTK_BOX (box), reason);
  setup_caption (theirs, "vz-pending-theirs");
  gtk_box_append (GTK_BOX (box), theirs);

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (failed_buttons), discard);
  gtk_box_append (GTK_BOX (failed_buttons), retry);
  gtk_box_append (GTK_BOX (conflict_buttons), keep_theirs);
  gtk_box_append (GTK_BOX (conflict_buttons), keep_mine);
  gtk_box_append (GTK_BOX (buttons), failed_buttons);
  gtk_box_append (GTK_BOX (buttons), conflict_buttons);
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_list_item_set_child (list_item, box);
  gtk_list_item_set_activatable (list_item, FALSE);

  /* Each watch follows the row's mutation, so a state change repaints this
   * row only; nothing polls. */
  gtk_expression_bind (closure_of (G_TYPE_STRING, "state", G_CALLBACK (state_label_closure), NULL),
                       state, "label", list_item);
  gtk_expression_bind (closure_of (G_TYPE_STRV, "state", G_CALLBACK (state_classes_closure), NULL),
                       state, "css-classes", list_item);
  gtk_expression_bind (closure_of (G_TYPE_STRING, "last-error", G_CALLBACK (text_or_empty_closure), NULL),
                       reason, "label", list_item);
  gtk_expression_bind (closure_of (G_TYPE_BOOLEAN, "last-error", G_CALLBACK (has_text_closure), NULL),
                       reason, "visible", list_item);
  gtk_expression_bind (closure_of (G_TYPE_STRING, "state", G_CALLBACK (theirs_closure), self),
                       theirs, "label", list_item);
  gtk_expression_bind (closure_of (G_TYPE_BOOLEAN, "state", G_CALLBACK (is_conflict_closure), NULL),
                       theirs, "visible", list_item);
  gtk_expression_bind (closure_of (G_TYPE_BOOLEAN, "state", G_CALLBACK (is_failed_closure), NULL),
                       failed_buttons, "visible", list_item);
  gtk_expression_bind (closure_of (G_TYPE_BOOLEAN, "state", G_CALLBACK (is_conflict_closure), NULL),
                       conflict_buttons, "visible", list_item);

  g_object_set_data (G_OBJECT (list_item), "vz-description", description);
  g_object_set_data (G_OBJECT (list_item), "vz-buttons", buttons);
}

static void
set_action_targets (GtkWidget  *widget,
                    GVariant   *target)
{
  if (GTK_IS_ACTIONABLE (widget))
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (widget), target);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    set_action_targets (child, target);
}

static void
row_bind (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          VzPendingPopover         *self)
{
  VzMutation *mutation = gtk_list_item_get_item (list_item);
  GtkWidget *description = g_object_get_data (G_OBJECT (list_item), "vz-description");
  GtkWidget *buttons = g_object_get_data (G_OBJECT (list_item), "vz-buttons");
  g_autofree char *text = NULL;
  GVariant *target;

  if (mutation == NULL)
    return;

  /* What a change does never changes, so it is written once per bind. */
  text = self->engine != NULL ? vz_sync_engine_describe_change (self->engine, mutation) : NULL;
  gtk_label_set_label (GTK_LABEL (description), text != NULL ? text : "");

  target = g_variant_ref_sink (g_variant_new_string (vz_mutation_get_id (mutation)));
  set_action_targets (buttons, target);
  g_variant_unref (target);
}

/* ---- state ---- */

static void
update_state (VzPendingPopover *self)
{
  GListModel *model = gtk_no_selection_get_model (self->selection);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;
  const char *state = n > 0 ? "list" : "empty";

  /* A list view measures only the rows it has made, so the popover would
   * open as tall as its first rows; it asks for room for a few up front and
   * scrolls past that (the outbox may hold thousands). */
  gtk_scrolled_window_set_min_content_height (self->scroller, (int) MIN (n, MIN_VISIBLE_ROWS) * ROW_HEIGHT_ESTIMATE);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), state) != 0)
    gtk_stack_set_visible_child_name (self->stack, state);
}

/* The engine opens its outbox (the list) after it starts. */
static void
update_model (VzPendingPopover *self)
{
  VzOutbox *outbox = self->engine != NULL ? vz_sync_engine_get_outbox (self->engine) : NULL;

  if (gtk_no_selection_get_model (self->selection) == G_LIST_MODEL (outbox))
    return;

  g_signal_group_set_target (self->outbox_signals, outbox);
  gtk_no_selection_set_model (self->selection, G_LIST_MODEL (outbox));
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

static void
pending_discard (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VzPendingPopover *self = VZ_PENDING_POPOVER (widget);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->engine == NULL)
    return;
  ok = vz_sync_engine_discard_change (self->engine, g_variant_get_string (parameter, NULL), &error);
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

/* ---- GObject ---- */

static void
vz_pending_popover_dispose (GObject *object)
{
  VzPendingPopover *self = VZ_PENDING_POPOVER (object);

  g_clear_object (&self->engine_signals);
  g_clear_object (&self->outbox_signals);
  g_clear_object (&self->engine_bindings);
  g_clear_object (&self->engine);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);

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
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, availability_label);
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, stack);
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, scroller);
  gtk_widget_class_bind_template_child (widget_class, VzPendingPopover, list_view);

  gtk_widget_class_install_action (widget_class, "pending.retry", "s", pending_retry);
  gtk_widget_class_install_action (widget_class, "pending.discard", "s", pending_discard);
  gtk_widget_class_install_action (widget_class, "pending.keep-mine", "s", pending_keep_mine);
  gtk_widget_class_install_action (widget_class, "pending.keep-theirs", "s", pending_keep_theirs);
}

static void
vz_pending_popover_init (VzPendingPopover *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (row_setup), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (row_bind), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  self->selection = gtk_no_selection_new (NULL);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  self->engine_signals = g_signal_group_new (VZ_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "notify::outbox", G_CALLBACK (update_model), self);

  self->outbox_signals = g_signal_group_new (VZ_TYPE_OUTBOX);
  g_signal_group_connect_swapped (self->outbox_signals, "items-changed", G_CALLBACK (update_state), self);

  self->engine_bindings = g_binding_group_new ();
  g_binding_group_bind_full (self->engine_bindings, "availability",
                             self->availability_label, "label", G_BINDING_SYNC_CREATE,
                             vz_gui_transform_text_if_set, NULL, NULL, NULL);
  g_binding_group_bind_full (self->engine_bindings, "availability",
                             self->availability_label, "visible", G_BINDING_SYNC_CREATE,
                             vz_gui_transform_text_is_set, NULL, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->availability_label), FALSE);

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
    gtk_widget_set_visible (GTK_WIDGET (self->availability_label), FALSE);
  update_model (self);

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
_vz_pending_popover_get_availability (VzPendingPopover *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->availability_label)))
    return NULL;
  return gtk_label_get_label (self->availability_label);
}
