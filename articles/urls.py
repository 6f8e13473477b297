from django.urls import path

import newsroom.converters  # noqa: F401 (registers <row_id:>, <dd:> and <tag_slug:>)

from . import search, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", search.search_view, name="search"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<tag_slug:slug>/", views.TagView.as_view(), name="tag"),
    path("source/<slug:slug>/", views.SourceView.as_view(), name="source"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("preview/<row_id:pk>/", views.preview, name="preview"),
    path(
        "<slug:section>/<int:year>/<dd:month>/<dd:day>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
]
