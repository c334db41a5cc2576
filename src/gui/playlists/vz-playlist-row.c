/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-playlist-row.h"

struct _VzPlaylistRow
{
  GtkListBoxRow  parent_instance;

  VzPlaylist    *playlist;

  /* template children */
  GtkLabel      *name_label;
  GtkLabel      *details_label;
};

G_DEFINE_FINAL_TYPE (VzPlaylistRow, vz_playlist_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_PLAYLIST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (VzPlaylistRow *self)
{
  guint items, screens;
  g_autofree char *duration = NULL;
  g_autofree char *items_text = NULL;
  g_autofree char *screens_text = NULL;
  g_autofree char *details = NULL;

  g_assert (VZ_IS_PLAYLIST_ROW (self));

  items = vz_playlist_get_item_count (self->playlist);
  screens = vz_playlist_get_screen_count (self->playlist);
  duration = vz_gui_format_duration (vz_playlist_get_total_duration (self->playlist));
  items_text = g_strdup_printf (ngettext ("%'u item", "%'u items", items), items);
  screens_text = g_strdup_printf (ngettext ("%'u screen", "%'u screens", screens), screens);
  /* Translators: "3 items · 1:30 · 2 screens" */
  details = g_strdup_printf (_("%s · %s · %s"), items_text, duration, screens_text);

  gtk_label_set_label (self->name_label, vz_playlist_get_name (self->playlist));
  gtk_label_set_label (self->details_label, details);
}

static void
vz_playlist_row_constructed (GObject *object)
{
  VzPlaylistRow *self = VZ_PLAYLIST_ROW (object);

  G_OBJECT_CLASS (vz_playlist_row_parent_class)->constructed (object);

  g_signal_connect_object (self->playlist, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
vz_playlist_row_dispose (GObject *object)
{
  VzPlaylistRow *self = VZ_PLAYLIST_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_PLAYLIST_ROW);
  g_clear_object (&self->playlist);

  G_OBJECT_CLASS (vz_playlist_row_parent_class)->dispose (object);
}

static void
vz_playlist_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VzPlaylistRow *self = VZ_PLAYLIST_ROW (object);

  switch (prop_id)
    {
    case PROP_PLAYLIST:
      g_value_set_object (value, self->playlist);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlist_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VzPlaylistRow *self = VZ_PLAYLIST_ROW (object);

  switch (prop_id)
    {
    case PROP_PLAYLIST:
      self->playlist = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_playlist_row_class_init (VzPlaylistRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->constructed = vz_playlist_row_constructed;
  object_class->dispose = vz_playlist_row_dispose;
  object_class->get_property = vz_playlist_row_get_property;
  object_class->set_property = vz_playlist_row_set_property;

  properties[PROP_PLAYLIST] =
    g_param_spec_object ("playlist", NULL, NULL, VZ_TYPE_PLAYLIST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-playlist-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, VzPlaylistRow, details_label);
}

static void
vz_playlist_row_init (VzPlaylistRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vz_playlist_row_new (VzPlaylist *playlist)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST (playlist), NULL);

  return g_object_new (VZ_TYPE_PLAYLIST_ROW, "playlist", playlist, NULL);
}

VzPlaylist *
vz_playlist_row_get_playlist (VzPlaylistRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ROW (self), NULL);

  return self->playlist;
}

const char *
vz_playlist_row_get_details (VzPlaylistRow *self)
{
  g_return_val_if_fail (VZ_IS_PLAYLIST_ROW (self), NULL);

  return gtk_label_get_label (self->details_label);
}
