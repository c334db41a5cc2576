/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content-picker.h"
#include "vz-gui.h"

struct _VzContentPicker
{
  AdwWindow           parent_instance;

  GListModel         *content;

  /* template children */
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list;
  GtkSingleSelection *selection;
  GtkFilterListModel *filtered;
  GtkStringFilter    *filter;
};

G_DEFINE_FINAL_TYPE (VzContentPicker, vz_content_picker, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONTENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
content_icon (gpointer    unused,
              const char *content_type)
{
  return g_strdup (vz_gui_content_type_icon (content_type));
}

static char *
content_type_label (gpointer    unused,
                    const char *content_type)
{
  return g_strdup (content_type != NULL ? vz_content_type_to_label (content_type) : "");
}

static void
update_stack (VzContentPicker *self)
{
  g_assert (VZ_IS_CONTENT_PICKER (self));

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0 ? "list" : "empty");
}

static void
on_search_changed (VzContentPicker *self)
{
  g_assert (VZ_IS_CONTENT_PICKER (self));

  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
pick (VzContentPicker *self,
      guint            position)
{
  g_autoptr(VzContent) content = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (content == NULL)
    return;
  g_signal_emit (self, signals[SIGNAL_PICKED], 0, content);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_activate (VzContentPicker *self,
             guint            position)
{
  g_assert (VZ_IS_CONTENT_PICKER (self));

  pick (self, position);
}

/* Enter in the search takes the first match (the selected one). */
static void
on_search_activate (VzContentPicker *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  g_assert (VZ_IS_CONTENT_PICKER (self));

  if (position != GTK_INVALID_LIST_POSITION)
    pick (self, position);
}

static void
vz_content_picker_constructed (GObject *object)
{
  VzContentPicker *self = VZ_CONTENT_PICKER (object);

  G_OBJECT_CLASS (vz_content_picker_parent_class)->constructed (object);

  gtk_filter_list_model_set_model (self->filtered, self->content);
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_stack), self, G_CONNECT_SWAPPED);
  update_stack (self);
}

static void
vz_content_picker_dispose (GObject *object)
{
  VzContentPicker *self = VZ_CONTENT_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_CONTENT_PICKER);
  g_clear_object (&self->content);

  G_OBJECT_CLASS (vz_content_picker_parent_class)->dispose (object);
}

static void
vz_content_picker_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VzContentPicker *self = VZ_CONTENT_PICKER (object);

  switch (prop_id)
    {
    case PROP_CONTENT:
      g_value_set_object (value, self->content);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_content_picker_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VzContentPicker *self = VZ_CONTENT_PICKER (object);

  switch (prop_id)
    {
    case PROP_CONTENT:
      self->content = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_content_picker_class_init (VzContentPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();
  g_type_ensure (VZ_TYPE_CONTENT);

  object_class->constructed = vz_content_picker_constructed;
  object_class->dispose = vz_content_picker_dispose;
  object_class->get_property = vz_content_picker_get_property;
  object_class->set_property = vz_content_picker_set_property;

  properties[PROP_CONTENT] =
    g_param_spec_object ("content", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PICKED] =
    g_signal_new ("picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VZ_TYPE_CONTENT);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-content-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, VzContentPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VzContentPicker, stack);
  gtk_widget_class_bind_template_child (widget_class, VzContentPicker, list);
  gtk_widget_class_bind_template_child (widget_class, VzContentPicker, selection);
  gtk_widget_class_bind_template_child (widget_class, VzContentPicker, filtered);
  gtk_widget_class_bind_template_child (widget_class, VzContentPicker, filter);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_bind_template_callback (widget_class, content_icon);
  gtk_widget_class_bind_template_callback (widget_class, content_type_label);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vz_content_picker_init (VzContentPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

VzContentPicker *
vz_content_picker_new (GListModel *content,
                       GtkWindow  *parent)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (content), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (VZ_TYPE_CONTENT_PICKER,
                       "content", content,
                       "transient-for", parent,
                       NULL);
}

GtkEditable *
vz_content_picker_get_search (VzContentPicker *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PICKER (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

GtkListView *
vz_content_picker_get_list (VzContentPicker *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PICKER (self), NULL);

  return self->list;
}
