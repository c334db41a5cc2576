/* SPDX-License-Identifier: GPL-3.0-or-later */
/* VzWindow's part that tells of changes: a toast with Undo for each change
 * queued, one for each refused or conflicting change, and the Undo and
 * Redo actions. */
#define G_LOG_DOMAIN "vz-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-window.h"
#include "vz-window-private.h"

/* "Rename “Lobby” to “Hall”" → "rename “Lobby” to “Hall”", to follow
 * "Couldn’t" or "Offline — ". */
char *
_vz_window_lowercase_first (const char *text)
{
  GString *out;

  if (text == NULL || *text == '\0')
    return g_strdup ("");
  out = g_string_new (NULL);
  g_string_append_unichar (out, g_unichar_tolower (g_utf8_get_char (text)));
  g_string_append (out, g_utf8_next_char (text));
  return g_string_free (out, FALSE);
}


/* Toasts are added to the overlay in the frame after the one being made:
 * a change shows first and its toast a frame later. Drawn together, a moved
 * row and a toast at the window's foot are one area of nearly the whole
 * window for GTK's X11 renderers, which draw the extents of what changed. */
static void
flush_toasts (VzWindow *self)
{
  AdwToast *toast;

  while ((toast = g_queue_pop_head (&self->toasts)) != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
toasts_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  VzWindow *self = VZ_WINDOW (widget);

  /* The frame counter moves at each frame's start: the frame being made
   * when the toasts came is counted + 1, the one after it + 2. */
  if (gdk_frame_clock_get_frame_counter (clock) < self->toasts_frame + 2)
    return G_SOURCE_CONTINUE;
  self->toasts_tick_id = 0;
  flush_toasts (self);
  return G_SOURCE_REMOVE;
}

void
_vz_window_add_toast (VzWindow *self,
                      AdwToast *toast)
{
  GdkFrameClock *clock = gtk_widget_get_mapped (GTK_WIDGET (self)) ? gtk_widget_get_frame_clock (GTK_WIDGET (self))
                                                                   : NULL;

  g_queue_push_tail (&self->toasts, toast);
  /* A window not shown draws no frame to wait for. */
  if (clock == NULL)
    {
      _vz_window_stop_toasts_wait (self);
      flush_toasts (self);
      return;
    }
  if (self->toasts_tick_id != 0)
    return;
  self->toasts_frame = gdk_frame_clock_get_frame_counter (clock);
  self->toasts_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), toasts_tick, NULL, NULL);
}

/* Stops waiting for the frame; the toasts queued stay queued. */
void
_vz_window_stop_toasts_wait (VzWindow *self)
{
  if (self->toasts_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->toasts_tick_id);
  self->toasts_tick_id = 0;
}

/* @text is the toast's title as plain text (titles are markup). */
AdwToast *
_vz_window_toast_new (VzWindow   *self,
           const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  return adw_toast_new (escaped);
}

void
_vz_window_on_change_queued (VzWindow     *self,
                  VzMutation   *mutation,
                  const char   *label,
                  VzSyncEngine *engine)
{
  AdwToast *toast;
  gint64 not_before;

  /* Undo says what it undid itself; the inverse it queues is not news. */
  if (self->undoing || label == NULL || *label == '\0')
    return;

  toast = _vz_window_toast_new (self, label);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  /* A delete waits in the outbox until its toast goes: the toast's Undo
   * takes it back before the server hears of it. */
  not_before = vz_mutation_get_not_before (mutation);
  if (not_before > 0)
    {
      gint64 left = (not_before - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

      adw_toast_set_timeout (toast, (guint) CLAMP (left, 1, 3600));
    }
  _vz_window_add_toast (self, toast);
}

void
_vz_window_on_change_failed (VzWindow     *self,
                  VzMutation   *mutation,
                  const GError *error,
                  VzSyncEngine *engine)
{
  g_autofree char *description = vz_sync_engine_describe_change (engine, mutation);
  g_autofree char *what = _vz_window_lowercase_first (description);
  g_autofree char *text = NULL;

  /* Translators: "Couldn’t rename “Lobby” to “Hall”: <the server's sentence>" */
  text = g_strdup_printf (_("Couldn’t %s: %s"), what,
                          error != NULL && error->message != NULL ? error->message : _("the server refused it."));
  vz_window_show_toast (self, text);
}

void
_vz_window_on_change_conflict (VzWindow     *self,
                    VzMutation   *mutation,
                    const char   *sentence,
                    VzSyncEngine *engine)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  text = g_strdup_printf ("%s %s",
                          sentence != NULL && *sentence != '\0' ? sentence : _("Someone else changed this too."),
                          _("Choose which version to keep in the list of changes."));
  toast = _vz_window_toast_new (self, text);
  adw_toast_set_button_label (toast, _("_Review"));
  adw_toast_set_action_name (toast, "win.show-pending");
  /* Longer than usual, but not until dismissed: a toast waiting for that
   * would hold back every toast after it. The list keeps the conflict. */
  adw_toast_set_timeout (toast, 10);
  _vz_window_add_toast (self, toast);
}

/* Changes made offline are held back (the settings say so): the toast
 * leads to the list, where Send Now sends them. */
void
_vz_window_on_holding (VzWindow     *self,
                       GParamSpec   *pspec,
                       VzSyncEngine *engine)
{
  AdwToast *toast;

  if (!vz_sync_engine_get_holding (engine))
    return;
  toast = _vz_window_toast_new (self, _("The changes made offline wait for you to send them."));
  adw_toast_set_button_label (toast, _("_Review"));
  adw_toast_set_action_name (toast, "win.show-pending");
  adw_toast_set_timeout (toast, 10);
  _vz_window_add_toast (self, toast);
}

/* A menu item's text: @format ("_Undo: %s") with what it does, whose
 * underscores are no mnemonics; @plain without. */
static GMenuItem *
history_item (const char *format,
              const char *plain,
              const char *words,
              const char *action)
{
  g_autofree char *label = NULL;

  if (words != NULL && *words != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (words, "_", -1);
      g_autofree char *escaped = g_strjoinv ("__", parts);

      label = g_strdup_printf (format, escaped);
    }
  return g_menu_item_new (label != NULL ? label : plain, action);
}

static gboolean
same_label (GMenu     *menu,
            int        index,
            GMenuItem *item)
{
  g_autofree char *shown = NULL;
  g_autofree char *wanted = NULL;

  if (index >= g_menu_model_get_n_items (G_MENU_MODEL (menu)))
    return FALSE;
  g_menu_model_get_item_attribute (G_MENU_MODEL (menu), index, G_MENU_ATTRIBUTE_LABEL, "s", &shown);
  g_menu_item_get_attribute (item, G_MENU_ATTRIBUTE_LABEL, "s", &wanted);
  return g_strcmp0 (shown, wanted) == 0;
}

void
_vz_window_update_undo (VzWindow *self)
{
  gboolean can_undo = self->engine != NULL && vz_sync_engine_get_can_undo (self->engine) && !self->undoing;
  gboolean can_redo = self->engine != NULL && vz_sync_engine_get_can_redo (self->engine) && !self->undoing;
  g_autoptr(GMenuItem) undo = NULL;
  g_autoptr(GMenuItem) redo = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", can_undo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo", can_redo);

  /* The menu names what each would do. */
  /* Translators: a menu item, "Undo: Renamed “Lobby” to “Hall”" */
  undo = history_item (_("_Undo: %s"), _("_Undo"),
                       can_undo ? vz_sync_engine_get_undo_label (self->engine) : NULL, "win.undo");
  /* Translators: a menu item, "Redo: Renamed “Lobby” to “Hall”" */
  redo = history_item (_("_Redo: %s"), _("_Redo"),
                       can_redo ? vz_sync_engine_get_redo_label (self->engine) : NULL, "win.redo");
  if (!same_label (self->history_section, 0, undo) || !same_label (self->history_section, 1, redo))
    {
      g_menu_remove_all (self->history_section);
      g_menu_append_item (self->history_section, undo);
      g_menu_append_item (self->history_section, redo);
    }
}

/* The words of what an Undo or a Redo did, for its toast. */
typedef struct {
  VzWindow *self;
  char     *label;
  gboolean  redo;
} UndoCall;

static void
undo_call_free (UndoCall *call)
{
  g_clear_object (&call->self);
  g_free (call->label);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UndoCall, undo_call_free)

static void
undo_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(UndoCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  VzWindow *self = call->self;

  gboolean ok;

  self->undoing = FALSE;
  _vz_window_update_undo (self);

  if (call->redo)
    ok = vz_sync_engine_redo_finish (VZ_SYNC_ENGINE (source), result, &error);
  else
    ok = vz_sync_engine_undo_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (!ok)
    {
      vz_gui_toast_error (GTK_WIDGET (self), error);
      return;
    }

  if (call->redo && call->label != NULL)
    /* Translators: "Redone: Renamed “Lobby” to “Hall”" */
    text = g_strdup_printf (_("Redone: %s"), call->label);
  else if (call->redo)
    text = g_strdup (_("Redone"));
  else if (call->label != NULL)
    /* Translators: "Undone: Renamed “Lobby” to “Hall”" */
    text = g_strdup_printf (_("Undone: %s"), call->label);
  else
    text = g_strdup (_("Undone"));
  vz_window_show_toast (self, text);
}

static void
win_undo (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);
  UndoCall *call;

  if (self->engine == NULL || self->undoing || !vz_sync_engine_get_can_undo (self->engine))
    return;

  call = g_new0 (UndoCall, 1);
  call->self = g_object_ref (self);
  call->label = g_strdup (vz_sync_engine_get_undo_label (self->engine));
  /* One at a time: a second Ctrl+Z would otherwise read the same top entry. */
  self->undoing = TRUE;
  _vz_window_update_undo (self);
  vz_sync_engine_undo_async (self->engine, self->cancellable, undo_done_cb, call);
}

static void
win_redo (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);
  UndoCall *call;

  if (self->engine == NULL || self->undoing || !vz_sync_engine_get_can_redo (self->engine))
    return;

  call = g_new0 (UndoCall, 1);
  call->self = g_object_ref (self);
  call->label = g_strdup (vz_sync_engine_get_redo_label (self->engine));
  call->redo = TRUE;
  self->undoing = TRUE;
  _vz_window_update_undo (self);
  vz_sync_engine_redo_async (self->engine, self->cancellable, undo_done_cb, call);
}

static void
win_show_pending (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);

  if (self->engine == NULL)
    return;
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
  gtk_menu_button_popup (self->connection_button);
}

void
_vz_window_class_changes_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, win_undo);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, win_redo);
  gtk_widget_class_install_action (widget_class, "win.show-pending", NULL, win_show_pending);
  /* A window key: a focused text field takes Ctrl+Z first (bubble phase). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
}
