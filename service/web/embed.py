"""The embeds for the site's role pages (docs/embedding.md): the salary box and the guide's form, each a small
page for an iframe, framable by SALARYGUIDE_EMBED_ORIGINS only; the form posts into the same signup."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from pdf import filters
from service import metrics, personal_form, signup
from service.extensions import csrf, limiter
from service.forms import GuideForm
from service.guide import editions, next_steps, salary_index
from service.guide import landing as holdings
from service.models.guides import new_token
from service.web import embedding
from service.web.guide import _request_or_404, _signup_limit, _visit

bp = Blueprint("embed", __name__, url_prefix="/embed")
csrf.exempt(bp)  # the form carries its own signed token: a third-party iframe gets no session cookie
bp.add_app_template_filter(filters.money_k)  # "$197k", as the PDF prints it
UTM = ("utm_source", "utm_medium", "utm_campaign")


@bp.after_request
def _framable(response: Response) -> Response:
    """Every embed may be framed by the listed origins; nothing else of the service may be framed at all."""
    return embedding.framable(response)


@bp.get("/salary-index")
def salary_box() -> ResponseReturnValue:
    """The salary box for a role page: the role's band, or its category's, with the region mix."""
    role, category = _text("role"), _text("category")
    try:
        answer = _box_answer(role, category)
    except salary_index.UnknownName as unknown:
        return render_template("embed/message.html", message=str(unknown)), 404
    except salary_index.BadQuery as bad:
        return render_template("embed/message.html", message=str(bad)), 400
    response = make_response(render_template("embed/salary_index.html", answer=answer, asked=role))
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["API_MAX_AGE"])
    return response


def _text(name: str) -> str:
    """A query parameter, trimmed to a sane length."""
    return " ".join(request.args.get(name, "").split())[:salary_index.MAX_TEXT]


def _box_answer(role: str, category: str) -> dict[str, Any] | None:
    """The index for the role; a role the guide does not know still gets its category's (or every listing's)
    figures, and the box still names it; a category that disagrees with the role gives way to the role's."""
    try:
        return salary_index.lookup(salary_index.resolve(category=category, role=role))
    except salary_index.BadQuery:
        if not (role and category):
            raise
        # The site filed the role under another category: the guide's own reading of the title is the finer one.
        return salary_index.lookup(salary_index.resolve(role=role))
    except salary_index.UnknownName:
        if not role:
            raise
        return salary_index.lookup(salary_index.resolve(category=category))


@bp.get("/guide-form")
def guide_form() -> ResponseReturnValue:
    """The call to action with the email form, the role prefilled, the visit's source carried along."""
    form = _embedded_form(formdata=None)
    title = salary_index.classify(_text("role"))
    if title is not None and title.role in {choice.value for choice in personal_form.role_choices()}:
        form.role.data, form.seniority.data = title.role, title.seniority
    page = embedding.embedding_page()
    form.referrer.data = page or ""
    for name in UTM:
        getattr(form, name).data = request.args.get(name, "")[:128]
    form.utm_medium.data = form.utm_medium.data or "embed"
    form.utm_source.data = form.utm_source.data or (urlsplit(page).hostname if page else "") or ""
    return _form_page(form)


def _embedded_form(**options: Any) -> GuideForm:
    """The guide form without Flask-WTF's session token: the embed's own signed token stands in."""
    return GuideForm(meta={"csrf": False}, **options)


def _form_page(form: GuideForm, problem: str | None = None, code: int = 200) -> ResponseReturnValue:
    """The form page, with a fresh token and any problem the last attempt had."""
    return render_template("embed/guide_form.html", form=form, token=embedding.form_token(), embedded=True,
                           form_error=problem, year=editions.current_year(), holds=holdings.facts()), code


@bp.post("/guide")
@limiter.shared_limit(_signup_limit, scope="signup", methods=["POST"])
def submit() -> ResponseReturnValue:
    """The embedded form's signup: the same checks, transaction and answers as POST /guide."""
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return render_template("embed/message.html", message="The form must be sent as a normal web form."), 415
    form, year = _embedded_form(), editions.current_year()
    _forget_a_lone_role(form)
    if problem := embedding.token_problem(request.form.get("embed_token")):
        return _form_page(_embedded_form(formdata=None), problem, 400)
    if not form.validate_for(year):
        metrics.SIGNUPS.labels("invalid").inc()
        return _form_page(form, code=422)
    if form.is_bot():
        metrics.SIGNUPS.labels("bot").inc()
        return redirect(url_for("embed.thanks", token=new_token()), 303)
    guide = signup.submit(
        signup.Signup(email=form.email.data, newsletter=form.newsletter.data, personal=form.personal()),
        _visit(form), year=year, brand=current_app.config["BRAND_NAME"],
    )
    return redirect(url_for("embed.thanks", token=guide.token), 303)


def _forget_a_lone_role(form: GuideForm) -> None:
    """The role and seniority this page prefilled are no request for a personal page on their own: without a
    salary, currency or city the visitor asked for the guide only."""
    if not any(getattr(form, name).data for name in ("salary", "currency", "city")):
        form.role.data = form.seniority.data = ""


@bp.get("/guide/<token>")
def thanks(token: str) -> ResponseReturnValue:
    """The thank-you page inside the iframe: progress, then the download."""
    guide = _request_or_404(token)
    return render_template("embed/thanks.html", guide=guide, ready=guide.downloadable, embedded=True,
                           after=next_steps.for_request(guide))
