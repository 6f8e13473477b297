/* editor-presence: see articles/admin */
