/* editor-autosave: see articles/admin */
