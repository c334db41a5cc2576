/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vz-drag-source FILE…: a window titled "vz-drag-source" that offers FILE…
 * as a GdkFileList (text/uri-list on the wire) to whatever it is dragged
 * to, the way a file manager does. The UI tests start it as a separate
 * process and drag from it with a real pointer (xdotool). It prints
 * "ready" once its window is shown and runs until killed.
 */
#include <gtk/gtk.h>
#include <stdio.h>

static void
on_map (GtkWidget *window)
{
  printf ("ready\n");
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  GSList *files = NULL;
  g_autoptr(GdkContentProvider) content = NULL;
  GdkFileList *list;
  GtkWidget *window, *label;
  GtkDragSource *source;

  if (argc < 2)
    {
      fprintf (stderr, "usage: vz-drag-source FILE…\n");
      return 2;
    }
  gtk_init ();

  for (int i = argc - 1; i >= 1; i--)
    files = g_slist_prepend (files, g_file_new_for_commandline_arg (argv[i]));
  list = gdk_file_list_new_from_list (files);
  content = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, list);
  g_boxed_free (GDK_TYPE_FILE_LIST, list);
  g_slist_free_full (files, g_object_unref);

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "vz-drag-source");
  gtk_window_set_default_size (GTK_WINDOW (window), 240, 240);
  label = gtk_label_new ("Drag these files");
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_vexpand (label, TRUE);
  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  gtk_drag_source_set_content (source, content);
  gtk_widget_add_controller (label, GTK_EVENT_CONTROLLER (source));
  gtk_window_set_child (GTK_WINDOW (window), label);
  g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
  gtk_window_present (GTK_WINDOW (window));

  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}
