from django.urls import path, register_converter

from . import converters, search, views  # noqa: F401 (converters registers <tag_slug:>)


class TwoDigits:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(TwoDigits, "dd")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", search.search_view, name="search"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<tag_slug:slug>/", views.TagView.as_view(), name="tag"),
    path("source/<slug:slug>/", views.SourceView.as_view(), name="source"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path(
        "<slug:section>/<int:year>/<dd:month>/<dd:day>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
]
