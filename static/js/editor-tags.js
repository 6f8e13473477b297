/* editor-tags: see articles/admin */
