from flask_login import current_user, login_required

from app.api import bp


@bp.get("/me")
@login_required
def me():
    return {"id": current_user.id, "display_name": current_user.display_name, "email": current_user.email}
