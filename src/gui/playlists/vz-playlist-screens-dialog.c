/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-screens-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-playlist-resource.h"
#include "vz-playlist-screens-dialog.h"
#include "vz-screen-choice.h"
#include "vz-screen-choice-row.h"

struct _VzPlaylistScreensDialog
{
  AdwWindow           parent_instance;

  VzSyncEngine       *engine;
  VzPlaylist         *playlist;
  GListStore         *choices;    /* of VzScreenChoice, by name */
  guint               chosen;     /* how many of them are ticked */

  /* template children */
  AdwWindowTitle     *window_title;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list;
  GtkFilterListModel *filtered;
  GtkStringFilter    *filter;
  GtkLabel           *count_label;
};

G_DEFINE_FINAL_TYPE (VzPlaylistScreensDialog, vz_playlist_screens_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  PROP_PLAYLIST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_stack (VzPlaylistScreensDialog *self)
{
  const char *page = "list";

  g_assert (VZ_IS_PLAYLIST_SCREENS_DIALOG (self));

  if (g_list_model_get_n_items (G_LIST_MODEL (self->choices)) == 0)
    page = "none";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0)
    page = "no-match";
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
update_count (VzPlaylistScreensDialog *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->choices));
  g_autofree char *text = NULL;

  g_assert (VZ_IS_PLAYLIST_SCREENS_DIALOG (self));

  /* Translators: "2 of 40 screens will play this playlist" */
  text = g_strdup_printf (ngettext ("%'u of %'u screen will play this playlist",
                                    "%'u of %'u screens will play this playlist", n),
                          self->chosen, n);
  gtk_label_set_label (self->count_label, text);
}

static void
on_chosen_changed (VzPlaylistScreensDialog *self,
                   GParamSpec              *pspec,
                   VzScreenChoice          *choice)
{
  g_assert (VZ_IS_PLAYLIST_SCREENS_DIALOG (self));

  if (vz_screen_choice_get_chosen (choice))
    self->chosen++;
  else
    self->chosen--;
  update_count (self);
}

static void
on_search_changed (VzPlaylistScreensDialog *self)
{
  g_assert (VZ_IS_PLAYLIST_SCREENS_DIALOG (self));

  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

/* Enter on a row (or a double click) ticks or unticks it. */
static void
on_activate (VzPlaylistScreensDialog *self,
             guint                    position)
{
  g_autoptr(VzScreenChoice) choice = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  g_assert (VZ_IS_PLAYLIST_SCREENS_DIALOG (self));

  if (choice != NULL)
    vz_screen_choice_set_chosen (choice, !vz_screen_choice_get_chosen (choice));
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_utf8_collate (vz_screen_choice_get_name (*(VzScreenChoice **) a),
                         vz_screen_choice_get_name (*(VzScreenChoice **) b));
}

/* "Lobby, floor 2 · plays “Evening”": where the screen is, what it plays now. */
static char *
describe_screen (VzPlaylistScreensDialog *self,
                 VzDisplay               *display)
{
  const char *playlist_id = vz_display_get_current_playlist_id (display);
  const char *location = vz_display_get_location (display);
  VzPlaylist *playing = playlist_id != NULL ? vz_store_lookup (vz_sync_engine_get_playlists (self->engine),
                                                               playlist_id) : NULL;
  g_autofree char *plays = NULL;

  if (playlist_id == NULL)
    plays = g_strdup (_("plays no playlist"));
  else if (playing == NULL)
    plays = g_strdup (_("plays a playlist not loaded yet"));
  else
    /* Translators: what a screen plays now, "plays “Evening”" */
    plays = g_strdup_printf (_("plays “%s”"), vz_playlist_get_name (playing));
  if (location == NULL || *location == '\0')
    return g_steal_pointer (&plays);
  /* Translators: a screen's place, then what it plays: "Lobby · plays “Evening”" */
  return g_strdup_printf (_("%s · %s"), location, plays);
}

static void
fill_choices (VzPlaylistScreensDialog *self)
{
  GListModel *displays = G_LIST_MODEL (vz_sync_engine_get_displays (self->engine));
  const char *playlist_id = vz_entity_get_id (VZ_ENTITY (self->playlist));
  guint n = g_list_model_get_n_items (displays);
  g_autoptr(GPtrArray) choices = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (displays, i);
      g_autofree char *detail = describe_screen (self, display);
      gboolean plays = g_strcmp0 (vz_display_get_current_playlist_id (display), playlist_id) == 0;
      VzScreenChoice *choice = vz_screen_choice_new (vz_entity_get_id (VZ_ENTITY (display)),
                                                     vz_display_get_display_name (display), detail, plays);

      /* Plain handlers: the choices are the dialog's and lose them at its
       * dispose (one watched closure each would cost more with many screens). */
      g_signal_connect_swapped (choice, "notify::chosen", G_CALLBACK (on_chosen_changed), self);
      self->chosen += plays;
      g_ptr_array_add (choices, choice);
    }
  g_ptr_array_sort_with_data (choices, compare_names, NULL);
  g_list_store_splice (self->choices, 0, 0, choices->pdata, choices->len);
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWidget) parent = user_data;
  g_autoptr(GError) error = NULL;

  /* The toast with Undo comes from the engine's "change-queued". */
  if (!vz_sync_engine_set_playlist_screens_finish (VZ_SYNC_ENGINE (source), result, &error) && parent != NULL)
    vz_gui_toast_error (parent, error);
}

static void
screens_apply (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzPlaylistScreensDialog *self = VZ_PLAYLIST_SCREENS_DIALOG (widget);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_null_terminated (self->chosen, NULL, TRUE);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->choices));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzScreenChoice) choice = g_list_model_get_item (G_LIST_MODEL (self->choices), i);

      if (vz_screen_choice_get_chosen (choice))
        g_ptr_array_add (ids, (gpointer) vz_screen_choice_get_id (choice));
    }
  vz_sync_engine_set_playlist_screens_async (self->engine, vz_entity_get_id (VZ_ENTITY (self->playlist)),
                                             (const char * const *) ids->pdata, NULL, applied_cb,
                                             parent != NULL ? g_object_ref (parent) : NULL);
  gtk_window_close (GTK_WINDOW (self));
}

static void
vz_playlist_screens_dialog_constructed (GObject *object)
{
  VzPlaylistScreensDialog *self = VZ_PLAYLIST_SCREENS_DIALOG (object);

  G_OBJECT_CLASS (vz_playlist_screens_dialog_parent_class)->constructed (object);

  adw_window_title_set_subtitle (self->window_title, vz_playlist_get_name (self->playlist));
  fill_choices (self);
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (self->choices));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_stack), self, G_CONNECT_SWAPPED);
  update_stack (self);
  update_count (self);
}

static void
vz_playlist_screens_dialog_dispose (GObject *object)
{
  VzPlaylistScreensDialog *self = VZ_PLAYLIST_SCREENS_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_PLAYLIST_SCREENS_DIALOG);
  if (self->choices != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->choices)); i++)
      {
        g_autoptr(VzScreenChoice) choice = g_list_model_get_item (G_LIST_MODEL (self->choices), i);

        g_signal_handlers_disconnect_by_data (choice, self);
      }
  g_clear_object (&self->choices);
  g_clear_object (&self->playlist);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (vz_playlist_screens_dialog_parent_class)->dispose (object);
}

static void
vz_playlist_screens_dialog_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  VzPlaylistScreensDialog *self = VZ_PLAYLIST_SCREENS_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_PLAYLIST:
      g_value_set_object (value, self->playlist);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlist_screens_dialog_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  VzPlaylistScreensDialog *self = VZ_PLAYLIST_SCREENS_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_PLAYLIST:
      self->playlist = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlist_screens_dialog_class_init (VzPlaylistScreensDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();
  g_type_ensure (VZ_TYPE_SCREEN_CHOICE);
  g_type_ensure (VZ_TYPE_SCREEN_CHOICE_ROW);

  object_class->constructed = vz_playlist_screens_dialog_constructed;
  object_class->dispose = vz_playlist_screens_dialog_dispose;
  object_class->get_property = vz_playlist_screens_dialog_get_property;
  object_class->set_property = vz_playlist_screens_dialog_set_property;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYLIST] =
    g_param_spec_object ("playlist", NULL, NULL, VZ_TYPE_PLAYLIST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-playlist-screens-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistScreensDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistScreensDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistScreensDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistScreensDialog, list);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistScreensDialog, filtered);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistScreensDialog, filter);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistScreensDialog, count_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_install_action (widget_class, "screens.apply", NULL, screens_apply);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vz_playlist_screens_dialog_init (VzPlaylistScreensDialog *self)
{
  self->choices = g_list_store_new (VZ_TYPE_SCREEN_CHOICE);

  gtk_widget_init_template (GTK_WIDGET (self));
}

VzPlaylistScreensDialog *
vz_playlist_screens_dialog_new (VzSyncEngine *engine,
                                VzPlaylist   *playlist,
                                GtkWindow    *parent)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (VZ_IS_PLAYLIST (playlist), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (VZ_TYPE_PLAYLIST_SCREENS_DIALOG,
                       "sync-engine", engine,
                       "playlist", playlist,
                       "transient-for", parent,
                       NULL);
}

GListModel *
vz_playlist_screens_dialog_get_choices (VzPlaylistScreensDialog *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_SCREENS_DIALOG (self), NULL);

  return G_LIST_MODEL (self->choices);
}

GtkEditable *
vz_playlist_screens_dialog_get_search (VzPlaylistScreensDialog *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_SCREENS_DIALOG (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

GtkListView *
vz_playlist_screens_dialog_get_list (VzPlaylistScreensDialog *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_SCREENS_DIALOG (self), NULL);

  return self->list;
}
