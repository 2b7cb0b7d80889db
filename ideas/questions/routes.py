"""The Questions tab of a board, asking, a question's page with its answers, kudos and solution."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required
from pydantic import ValidationError

from app.api.pagination import PageQuery
from app.errors_domain import DomainError
from app.extensions import db, htmx
from app.forms import apply_errors, validate_all
from app.markdown import render_markdown
from app.urls import site_url
from app.web import redirect_to, render
from ideas import policy as board_policy
from ideas.questions import bp, policy, seo
from ideas.questions.forms import AnswerForm, QuestionForm
from ideas.questions.models import Answer, Question
from ideas.questions.services import answers as answer_services
from ideas.questions.services import kudos, listing, solutions
from ideas.questions.services import questions as question_services
from ideas.tags import parse_tags
from ideas.urls import board_args

PAGE_SIZE = 20


def question_url(question: Question, **query) -> str:
    return url_for("questions.show", question_id=question.id, slug=question.slug, **query)


def _answer_url(answer: Answer) -> str:
    return question_url(answer.question) + f"#answer-{answer.id}"


def _category_choices(form: QuestionForm, board) -> None:
    form.category_id.choices = [("", "No category")] + [(c.id, c.name) for c in board.categories]


def _input(form: QuestionForm) -> question_services.QuestionInput:
    return question_services.QuestionInput(
        form.title.data, form.body.data, form.category_id.data, parse_tags(form.tags.data)
    )


@bp.get("/boards/<org_slug>/<board_slug>/questions")
def index(org_slug: str, board_slug: str):
    board = board_policy.board_or_404(current_user, org_slug, board_slug)
    view = request.args.get("view", listing.DEFAULT_VIEW)
    view = view if view in listing.VIEWS else listing.DEFAULT_VIEW
    try:
        page = PageQuery(cursor=request.args.get("cursor") or None, limit=PAGE_SIZE)
        questions, next_cursor = listing.list_questions(board, view, page)
    except (ValidationError, DomainError):
        abort(400, "That page link is not valid.")
    return render_template(
        "questions/index.html",
        board=board,
        questions=questions,
        next_cursor=next_cursor,
        view=view,
        views=listing.VIEWS,
        question_url=question_url,
        can_participate=board_policy.can_participate(current_user, board),
        can_manage=board_policy.can_manage(current_user, board),
        **board_args(board),
    )


@bp.route("/boards/<org_slug>/<board_slug>/questions/ask", methods=["GET", "POST"])
@login_required
def ask(org_slug: str, board_slug: str):
    board = board_policy.board_or_404(current_user, org_slug, board_slug)
    if not board_policy.can_participate(current_user, board):
        abort(403, "You cannot ask on this board.")
    form = QuestionForm(title=request.args.get("title", ""))
    _category_choices(form, board)
    if validate_all(form, lambda: question_services.check_question(board, _input(form))):
        try:
            question = question_services.ask_question(current_user, board, _input(form))
        except DomainError as error:
            apply_errors(form, error)
        else:
            if question.visibility == "pending":
                flash("Thanks! Your question will appear once a moderator has had a look.", "info")
            else:
                flash("Your question is posted. You will see answers here.", "success")
            return redirect_to(question_url(question))
    return render_template(
        "questions/ask.html", board=board, form=form, **board_args(board)
    ), 422 if form.errors else 200


def _show(question: Question, answer_form: AnswerForm, status: int = 200):
    board = question.board
    answers = answer_services.answers_for(question, current_user)
    canonical = site_url(question_url(question))
    indexable = seo.is_indexable(question)
    return render_template(
        "questions/show.html",
        question=question,
        board=board,
        answers=answers,
        canonical_url=canonical,
        description=seo.description(question),
        indexable=indexable,
        structured_data=seo.qa_page(question, answers, canonical, lambda a: f"{canonical}#answer-{a.id}")
        if indexable
        else None,
        given=kudos.given_by(current_user, answers),
        answer_form=answer_form,
        body_html=render_markdown(question.body),
        render_markdown=render_markdown,
        can_take_part=policy.can_take_part(current_user, question),
        can_accept=policy.can_accept(current_user, question),
        can_edit=policy.can_edit_question(current_user, question),
        can_delete=policy.can_delete(current_user, board, question.author_id) and not question.is_deleted,
        can_edit_answer=lambda a: policy.can_edit_answer(current_user, a),
        can_delete_answer=lambda a: not a.is_deleted and policy.can_delete(current_user, board, a.author_id),
        can_manage=board_policy.can_manage(current_user, board),
        **board_args(board),
    ), status


@bp.get("/questions/<int:question_id>")
@bp.get("/questions/<int:question_id>-<slug>")
def show(question_id: int, slug: str | None = None):
    question = policy.question_or_404(current_user, question_id)
    if slug != question.slug:
        return redirect_to(question_url(question), code=301)
    listing.count_view(question.id)
    return _show(question, AnswerForm())


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit(question_id: int):
    question = policy.question_or_404(current_user, question_id)
    if not policy.can_edit_question(current_user, question):
        abort(403, "This question can no longer be edited: the edit window has closed.")
    form = QuestionForm(obj=question, tags=", ".join(t.name for t in question.tags))
    _category_choices(form, question.board)
    if validate_all(form, lambda: question_services.check_question(question.board, _input(form))):
        try:
            question_services.edit_question(current_user, question, _input(form))
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash("Question updated; the earlier text is kept in its history.", "success")
            return redirect_to(question_url(question))
    return render_template(
        "questions/edit.html", question=question, board=question.board, form=form, **board_args(question.board)
    ), 422 if form.errors else 200


@bp.post("/questions/<int:question_id>/delete")
@login_required
def delete(question_id: int):
    question = policy.question_or_404(current_user, question_id)
    board = question.board
    try:
        question_services.delete_question(current_user, question)
    except DomainError as error:
        abort(error.status, error.message)
    flash("The question was deleted.", "success")
    return redirect_to(url_for("questions.index", **board_args(board)))


@bp.post("/questions/<int:question_id>/answers")
@login_required
def answer(question_id: int):
    question = policy.question_or_404(current_user, question_id)
    if not policy.can_take_part(current_user, question):
        abort(403, "You cannot answer on this board.")
    form = AnswerForm()
    if validate_all(form, lambda: answer_services.check_answer(form.body.data)):
        try:
            posted = answer_services.post_answer(current_user, question, form.body.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            if posted.visibility == "pending":
                flash("Thanks! Your answer will appear once a moderator has had a look.", "info")
            return redirect_to(_answer_url(posted))
    db.session.refresh(question)
    return _show(question, form, 422)


@bp.route("/answers/<int:answer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_answer(answer_id: int):
    item = policy.answer_or_404(current_user, answer_id)
    if not policy.can_edit_answer(current_user, item):
        abort(403, "This answer can no longer be edited: the edit window has closed.")
    form = AnswerForm(obj=item)
    if validate_all(form, lambda: answer_services.check_answer(form.body.data)):
        try:
            answer_services.edit_answer(current_user, item, form.body.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            return redirect_to(_answer_url(item))
    return render_template(
        "questions/edit_answer.html", answer=item, form=form, question_url=question_url
    ), 422 if form.errors else 200


@bp.post("/answers/<int:answer_id>/delete")
@login_required
def delete_answer(answer_id: int):
    item = policy.answer_or_404(current_user, answer_id)
    try:
        answer_services.delete_answer(current_user, item)
    except DomainError as error:
        abort(error.status, error.message)
    flash("Answer deleted.", "success")
    return redirect_to(_answer_url(item))


@bp.post("/answers/<int:answer_id>/kudos")
@login_required
def give_kudos(answer_id: int):
    """value=1 gives kudos, value=0 takes them back; htmx gets the button back, browsers the page."""
    item = policy.answer_or_404(current_user, answer_id)
    giving = request.form.get("value", "1") != "0"
    try:
        count = kudos.give_kudos(current_user, item) if giving else kudos.take_back_kudos(current_user, item)
    except DomainError as error:
        if htmx or error.status in (403, 404):
            abort(error.status, error.message)
        flash(error.message, "error")
        return redirect_to(_answer_url(item))
    if not htmx:
        return redirect_to(_answer_url(item))
    return render("questions/_kudos.html", partial="questions/_kudos.html", answer=item, count=count, given=giving)


@bp.post("/questions/<int:question_id>/solution")
@login_required
def accept(question_id: int):
    """answer_id names the solution; answer_id empty (or 0) takes the solution back."""
    question = policy.question_or_404(current_user, question_id)
    raw = request.form.get("answer_id", "")
    try:
        if raw.isdigit() and len(raw) <= 9 and int(raw) > 0:
            chosen = db.session.get(Answer, int(raw))
            if chosen is None or chosen.question_id != question.id:
                abort(404)
            solutions.accept_solution(current_user, question, chosen)
            flash("Marked as the solution: it now shows first, under the question.", "success")
        else:
            solutions.unaccept_solution(current_user, question)
            flash("The question is unsolved again.", "success")
    except DomainError as error:
        if error.status in (403, 404):
            abort(error.status, error.message)
        flash(error.message, "error")
    return redirect_to(question_url(question))
