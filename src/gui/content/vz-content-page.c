/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content-cell.h"
#include "vz-content-page-private.h"
#include "vz-content-resource.h"
#include "vz-gui.h"
#include "vz-tag-resource.h"
#include "vz-upload.h"
#include "vz-web-page-dialog.h"

G_DEFINE_FINAL_TYPE (VzContentPage, vz_content_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_search_changed (VzContentPage *self)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

/* The type dropdown's choices after "All types", in its order. */
static const char * const filter_types[] = { "image", "video", "url", "html", "pdf" };

static gboolean
kind_filter_func (gpointer item,
                  gpointer user_data)
{
  VzContentPage *self = user_data;
  VzContent *content = item;
  guint type = gtk_drop_down_get_selected (self->type_dropdown);
  guint tag = gtk_drop_down_get_selected (self->tag_dropdown);
  gboolean archived = g_strcmp0 (vz_content_get_status (content), "archived") == 0;

  if (archived != gtk_toggle_button_get_active (self->archived_toggle))
    return FALSE;
  if (type > 0 && type <= G_N_ELEMENTS (filter_types) &&
      g_strcmp0 (vz_content_get_content_type (content), filter_types[type - 1]) != 0)
    return FALSE;
  if (tag > 0 && tag != GTK_INVALID_LIST_POSITION && tag <= self->tag_ids->len &&
      !vz_content_has_tag (content, g_ptr_array_index (self->tag_ids, tag - 1)))
    return FALSE;
  return TRUE;
}

void
_vz_content_page_refilter (VzContentPage *self)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  gtk_filter_changed (GTK_FILTER (self->kind_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Enter or a double click on a cell shows it. */
static void
on_grid_activate (VzContentPage *self,
                  guint          position)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self), "content.preview", NULL);
}

static void
on_filters_changed (VzContentPage *self)
{
  _vz_content_page_refilter (self);
}

/* "All tags", then every tag by name; the tag chosen stays chosen. */
static void
update_tag_choices (VzContentPage *self)
{
  VzStore *tags = self->engine != NULL ? vz_sync_engine_get_tags (self->engine) : NULL;
  guint chosen = gtk_drop_down_get_selected (self->tag_dropdown);
  g_autofree char *chosen_id = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint select = 0;

  g_assert (VZ_IS_CONTENT_PAGE (self));

  if (chosen > 0 && chosen != GTK_INVALID_LIST_POSITION && chosen <= self->tag_ids->len)
    chosen_id = g_strdup (g_ptr_array_index (self->tag_ids, chosen - 1));
  g_ptr_array_set_size (self->tag_ids, 0);
  gtk_string_list_append (names, _("All tags"));
  for (guint i = 0; tags != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (tags)); i++)
    {
      g_autoptr(VzTag) tag = g_list_model_get_item (G_LIST_MODEL (tags), i);
      const char *id = vz_entity_get_id (VZ_ENTITY (tag));

      g_ptr_array_add (self->tag_ids, g_strdup (id));
      gtk_string_list_append (names, vz_tag_get_name (tag));
      if (g_strcmp0 (id, chosen_id) == 0)
        select = self->tag_ids->len;
    }
  gtk_drop_down_set_model (self->tag_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->tag_dropdown, select);
  gtk_widget_set_visible (GTK_WIDGET (self->tag_dropdown), self->tag_ids->len > 0);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VzContentPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) content = NULL;
  g_autofree char *text = NULL;

  content = vz_sync_engine_add_web_content_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (content == NULL)
    {
      vz_gui_toast_error (GTK_WIDGET (self), error);
      return;
    }
  text = g_strdup_printf (_("Added “%s”"), vz_content_get_name (content));
  vz_gui_toast (GTK_WIDGET (self), text);
}

static void
on_web_page_chosen (VzContentPage *self,
                    const char    *name,
                    const char    *url)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  if (self->engine != NULL)
    vz_sync_engine_add_web_content_async (self->engine, name, "url", url, 0, self->cancellable,
                                          added_cb, g_object_ref (self));
}

static void
content_add_web_page (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  VzWebPageDialog *dialog = vz_web_page_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);

  g_signal_connect_object (dialog, "chosen", G_CALLBACK (on_web_page_chosen), widget, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
setup_cell (VzContentPage            *self,
            GtkListItem              *item,
            GtkSignalListItemFactory *factory)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  gtk_list_item_set_child (item, vz_content_cell_new (self->thumbnails));
}

/* Only the cells the grid shows are bound: they alone ask for thumbnails. */
static void
bind_cell (VzContentPage            *self,
           GtkListItem              *item,
           GtkSignalListItemFactory *factory)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  vz_content_cell_set_content (VZ_CONTENT_CELL (gtk_list_item_get_child (item)),
                               gtk_list_item_get_item (item));
}

static void
unbind_cell (VzContentPage            *self,
             GtkListItem              *item,
             GtkSignalListItemFactory *factory)
{
  g_assert (VZ_IS_CONTENT_PAGE (self));

  vz_content_cell_set_content (VZ_CONTENT_CELL (gtk_list_item_get_child (item)), NULL);
}

/* The cells share the thumbnails of the engine's session: a new engine
 * makes new cells. */
static void
set_factory (VzContentPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_assert (VZ_IS_CONTENT_PAGE (self));

  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_cell), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cell), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cell), self, G_CONNECT_SWAPPED);
  gtk_grid_view_set_factory (self->grid, factory);
}

static void
update_actions (VzContentPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "content.add-web-page",
                                 self->engine != NULL &&
                                 vz_session_can_write (vz_sync_engine_get_session (self->engine)));
  _vz_content_page_update_upload_actions (self);
}

static void
vz_content_page_dispose (GObject *object)
{
  VzContentPage *self = VZ_CONTENT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  _vz_content_page_upload_dispose (self);
  _vz_content_page_actions_dispose (self);
  g_clear_object (&self->tag_signals_page);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_CONTENT_PAGE);
  g_clear_object (&self->engine);
  g_clear_object (&self->thumbnails);

  G_OBJECT_CLASS (vz_content_page_parent_class)->dispose (object);
}

static void
vz_content_page_finalize (GObject *object)
{
  VzContentPage *self = VZ_CONTENT_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->tag_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (vz_content_page_parent_class)->finalize (object);
}

static void
vz_content_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VzContentPage *self = VZ_CONTENT_PAGE (object);

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
vz_content_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VzContentPage *self = VZ_CONTENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_content_page_set_sync_engine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_content_page_class_init (VzContentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();
  g_type_ensure (VZ_TYPE_CONTENT);
  g_type_ensure (VZ_TYPE_CONTENT_CELL);

  object_class->dispose = vz_content_page_dispose;
  object_class->finalize = vz_content_page_finalize;
  object_class->get_property = vz_content_page_get_property;
  object_class->set_property = vz_content_page_set_property;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-content-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, box);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, upload_split_button);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, grid);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, selection);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, filtered);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, filter);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, uploads_revealer);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, uploads_list);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, drop_target);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, archived_toggle);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, action_bar);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, selected_label);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, archive_button);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, restore_button);
  gtk_widget_class_bind_template_child (widget_class, VzContentPage, tags_button);
  gtk_widget_class_bind_template_callback (widget_class, on_filters_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);

  gtk_widget_class_install_action (widget_class, "content.add-web-page", NULL, content_add_web_page);
  _vz_content_page_class_upload_init (widget_class);
  _vz_content_page_class_actions_init (widget_class);
}

static void
vz_content_page_init (VzContentPage *self)
{
  GtkEveryFilter *every;

  self->cancellable = g_cancellable_new ();
  self->tag_ids = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_name_inner_button (GTK_WIDGET (self->upload_split_button), GTK_TYPE_MENU_BUTTON,
                            _("More Ways to Add Content"));
  set_factory (self);
  self->kind_filter = gtk_custom_filter_new (kind_filter_func, self, NULL);
  every = gtk_every_filter_new ();
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), g_object_ref (GTK_FILTER (self->filter)));
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), GTK_FILTER (self->kind_filter));
  gtk_filter_list_model_set_filter (self->filtered, GTK_FILTER (every));
  g_object_unref (every);
  self->tag_signals_page = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->tag_signals_page, "items-changed", G_CALLBACK (update_tag_choices), self);
  update_tag_choices (self);
  _vz_content_page_actions_init (self);
  _vz_content_page_upload_init (self);
  update_actions (self);
}

GtkWidget *
vz_content_page_new (void)
{
  return g_object_new (VZ_TYPE_CONTENT_PAGE, NULL);
}

void
vz_content_page_set_sync_engine (VzContentPage *self,
                                 VzSyncEngine  *engine)
{
  g_return_if_fail (VZ_IS_CONTENT_PAGE (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;
  g_clear_object (&self->thumbnails);
  if (engine != NULL)
    self->thumbnails = vz_content_thumbnails_for_session (vz_sync_engine_get_session (engine));
  set_factory (self);
  g_signal_group_set_target (self->tag_signals_page, engine != NULL ? vz_sync_engine_get_tags (engine) : NULL);
  update_tag_choices (self);
  gtk_filter_list_model_set_model (self->filtered,
                                   engine != NULL ? G_LIST_MODEL (vz_sync_engine_get_content (engine)) : NULL);
  update_actions (self);
  _vz_content_page_actions_set_engine (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

void
vz_content_page_focus_search (VzContentPage *self)
{
  g_return_if_fail (VZ_IS_CONTENT_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

GtkEditable *
vz_content_page_get_search (VzContentPage *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PAGE (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

GListModel *
vz_content_page_get_shown (VzContentPage *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_PAGE (self), NULL);

  return G_LIST_MODEL (self->filtered);
}
