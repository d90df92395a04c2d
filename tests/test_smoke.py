def test_login_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Sign in to Partnership CRM" in response.get_data(as_text=True)


def test_staff_signs_in_and_sees_dashboard(client, auth, make):
    make.user("staff", email="staff@example.org")
    response = auth.login("staff@example.org", follow_redirects=True)
    assert "Dashboard" in response.get_data(as_text=True)
