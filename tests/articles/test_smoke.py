def test_admin_index_for_editor(editor_client):
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    assert b"Articles" in response.content
